import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { ClientSubscription } from '../../../src/main/core/contract/client-subscription';
import { silentLogger } from '../../../src/main/core/base/log';
import { bindContract, forwardEvents } from '../../../src/main/electron/ipc-binding';
import { EVENT_CHANNEL } from '../../../src/shared/contract/ipc';
import { methodNames, ok } from '../../../src/shared/contract';
import {
  FakeIpcMain,
  FakeWebContents,
  ipcEvent,
  mainFrame,
  recordingLogger,
  subFrame,
  WINDOW_ID,
} from './fakes';

const APP_PAGE = 'app://candlewatch/index.html';
const trustedWindow = {
  webContentsId: () => WINDOW_ID,
  trustedOrigins: new Set(['app://candlewatch']),
};

const windowClient = () => ({ subscription: new ClientSubscription() });

let core: Core | undefined;
let dir: string | undefined;

const makeCore = () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-ipc-'));
  core = createCore({ dataDir: dir, mode: 'electron', version: '0.0.0-test', log: silentLogger() });
  return core;
};

afterEach(async () => {
  await core?.stop();
  core = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('IPC binding of the contract', () => {
  it('registers one cw:<method> handler per contract method and nothing else, and removes them', () => {
    const ipcMain = new FakeIpcMain();
    const unbind = bindContract({
      ipcMain,
      dispatch: makeCore().dispatch,
      window: trustedWindow,
      client: windowClient(),
      log: silentLogger(),
    });
    expect([...ipcMain.handlers.keys()].sort()).toEqual(methodNames.map((m) => `cw:${m}`).sort());
    unbind();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers a valid call from the main frame of our window', async () => {
    const ipcMain = new FakeIpcMain();
    bindContract({
      ipcMain,
      dispatch: makeCore().dispatch,
      window: trustedWindow,
      client: windowClient(),
      log: silentLogger(),
    });
    const result = await ipcMain.invoke('cw:app:ping', ipcEvent(mainFrame(APP_PAGE)), { nonce: 'n1' });
    expect(result).toMatchObject({ ok: true, value: { nonce: 'n1' } });
  });

  it.each(methodNames)(
    'answers malformed payloads for %s with invalid-input, never a throw',
    async (method) => {
      const ipcMain = new FakeIpcMain();
      bindContract({
        ipcMain,
        dispatch: makeCore().dispatch,
        window: trustedWindow,
        client: windowClient(),
        log: silentLogger(),
      });
      for (const bad of [42, 'x', [1, 2], null, true]) {
        const result = await ipcMain.invoke(`cw:${method}`, ipcEvent(mainFrame(APP_PAGE)), bad);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe('invalid-input');
          expect(result.error.message).toContain(method);
        }
      }
    },
  );

  it.each([
    ['an iframe inside our page', ipcEvent(subFrame(APP_PAGE))],
    ['another webContents showing our page', ipcEvent(mainFrame(APP_PAGE), WINDOW_ID + 1)],
    ['our window after it navigated away', ipcEvent(mainFrame('https://evil.example/'))],
    ['a look-alike host', ipcEvent(mainFrame('app://candlewatch.evil.example/index.html'))],
    ['a file:// page', ipcEvent(mainFrame('file:///home/user/index.html'))],
    ['a frame that is already gone', ipcEvent(null)],
  ])('refuses a call from %s before anything is dispatched', async (_label, event) => {
    const dispatch = vi.fn(async () => ok('should not run'));
    const { log, records } = recordingLogger();
    const ipcMain = new FakeIpcMain();
    bindContract({ ipcMain, dispatch, window: trustedWindow, client: windowClient(), log });
    const result = await ipcMain.invoke('cw:settings:get', event, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(records.map((r) => r.msg)).toContain('refused an IPC call from a foreign frame');
  });

  it('trusts the dev server origin only when the shell lists it', async () => {
    const ipcMain = new FakeIpcMain();
    const devWindow = { webContentsId: () => WINDOW_ID, trustedOrigins: new Set(['http://localhost:5173']) };
    bindContract({
      ipcMain,
      dispatch: makeCore().dispatch,
      window: devWindow,
      client: windowClient(),
      log: silentLogger(),
    });
    const fromDev = await ipcMain.invoke('cw:app:info', ipcEvent(mainFrame('http://localhost:5173/')), {});
    const fromOtherPort = await ipcMain.invoke(
      'cw:app:info',
      ipcEvent(mainFrame('http://localhost:5174/')),
      {},
    );
    expect(fromDev.ok).toBe(true);
    expect(fromOtherPort).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('turns a dispatcher that throws into an internal error instead of a rejected invoke', async () => {
    const ipcMain = new FakeIpcMain();
    const dispatch = async () => {
      throw new Error('boom');
    };
    bindContract({ ipcMain, dispatch, window: trustedWindow, client: windowClient(), log: silentLogger() });
    const result = await ipcMain.invoke('cw:app:info', ipcEvent(mainFrame(APP_PAGE)), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('event forwarding', () => {
  it('sends core events to the window on cw:event as (name, payload)', async () => {
    const c = makeCore();
    const contents = new FakeWebContents();
    forwardEvents(c.events, () => contents, silentLogger(), new ClientSubscription());
    const updated = await c.dispatch('settings:update', {
      watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }],
    });
    expect(updated.ok).toBe(true);
    const sent = contents.sent.find(([, name]) => name === 'settings:changed');
    expect(sent?.[0]).toBe(EVENT_CHANNEL);
    expect(sent?.[2]).toMatchObject({ watchlist: [{ symbol: 'BTC/USDT' }] });
  });

  it('skips a destroyed window, and stops after unsubscribe', () => {
    const c = makeCore();
    const contents = new FakeWebContents();
    const stop = forwardEvents(c.events, () => contents, silentLogger(), new ClientSubscription());
    contents.destroyed = true;
    c.events.emit('app:resumed', { sleptMs: 1, at: 1 });
    contents.destroyed = false;
    stop();
    c.events.emit('app:resumed', { sleptMs: 2, at: 2 });
    expect(contents.sent).toEqual([]);
  });

  it('sends the window only the series it subscribed to through its own events:subscribe call', async () => {
    const c = makeCore();
    const contents = new FakeWebContents();
    const client = windowClient();
    const ipcMain = new FakeIpcMain();
    bindContract({ ipcMain, dispatch: c.dispatch, window: trustedWindow, client, log: silentLogger() });
    forwardEvents(c.events, () => contents, silentLogger(), client.subscription);
    const declared = await ipcMain.invoke('cw:events:subscribe', ipcEvent(mainFrame(APP_PAGE)), {
      candles: [{ exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1h' }],
    });
    expect(declared).toEqual({ ok: true, value: { candles: 1, tickers: 0, orderbooks: 0 } });

    const update = (timeframe: string) => ({
      series: { exchange: 'sim', symbol: 'BTC/USDT', timeframe },
      closed: [],
      forming: null,
      origin: 'live' as const,
    });
    c.events.emit('candles:updated', update('1m'));
    c.events.emit('candles:updated', update('1h'));
    c.events.emit('orderbook:updated', {
      exchange: 'sim',
      symbol: 'BTC/USDT',
      time: 1,
      bids: [],
      asks: [],
      synced: true,
    });
    c.events.emit('app:resumed', { sleptMs: 1, at: 1 });
    // The core's own events (its exchange list, built as it starts) reach the window too: only the
    // ones emitted here are this test's.
    const emittedHere: unknown[] = ['candles:updated', 'orderbook:updated', 'app:resumed'];
    expect(contents.sent.filter(([, name]) => emittedHere.includes(name))).toEqual([
      [EVENT_CHANNEL, 'candles:updated', update('1h')],
      [EVENT_CHANNEL, 'app:resumed', { sleptMs: 1, at: 1 }],
    ]);
  });

  it('logs a send that fails instead of throwing into the service that emitted', () => {
    const c = makeCore();
    const contents = new FakeWebContents();
    contents.send = () => {
      throw new Error('An object could not be cloned.');
    };
    const { log, records } = recordingLogger();
    forwardEvents(c.events, () => contents, log, new ClientSubscription());
    expect(() => c.events.emit('app:resumed', { sleptMs: 1, at: 1 })).not.toThrow();
    expect(records.some((r) => r.level === 'warn' && r.msg.includes('app:resumed'))).toBe(true);
  });
});
