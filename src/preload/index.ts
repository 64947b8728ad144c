import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '../shared/contract/ipc';
import { createBridge } from './bridge';

// Sandboxed preload (built as CJS): the page gets one frozen object with `call` and `onEvent`,
// never ipcRenderer or a generic send.
contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(ipcRenderer));
