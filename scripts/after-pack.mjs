// electron-builder afterPack hook: sets the Electron fuses on the packaged binary, before signing.
// Fuses are bits in the executable that turn off ways to run other code inside a signed app.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * Every fuse is named (strictlyRequireAllFuses): an Electron upgrade that adds one fails the build
 * until someone decides its value.
 */
export const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node runtime.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and local storage of the window encrypted with the OS key store.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS=--require=... would inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect would let anyone on the machine attach a debugger to main (and read API keys).
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash electron-builder embeds (macOS and Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Code is loaded from app.asar only, never from a loose folder planted next to it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // We ship no custom V8 snapshot.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The renderer is served from app:// (src/main/electron/app-protocol.ts); file:// needs nothing extra.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default: WebAssembly bounds checks through signal handlers.
  [FuseV1Options.WasmTrapHandlers]: true,
};

/** The Electron executable inside electron-builder's output folder for one platform. */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return join(appOutDir, packager.executableName);
    default:
      throw new Error(`after-pack: no Electron binary layout known for platform "${electronPlatformName}"`);
  }
}

export async function afterPack(context, flip = flipFuses) {
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // Changing the binary breaks the ad-hoc signature arm64 macOS requires; re-sign it ad hoc
  // (a real signing identity, when configured, signs again after this hook).
  await flip(electronBinaryPath(context), { ...FUSES, resetAdHocDarwinSignature: isMac });
}

export default afterPack;
