// Types of the electron-builder afterPack hook (after-pack.mjs), for the unit tests that load it.
import type { FuseConfig } from '@electron/fuses';

/** The fields of electron-builder's AfterPackContext the hook reads. */
export type AfterPackContext = {
  appOutDir: string;
  electronPlatformName: string;
  packager: { executableName?: string; appInfo: { productFilename: string } };
};

export declare const FUSES: FuseConfig;
export declare function electronBinaryPath(context: AfterPackContext): string;
export declare function afterPack(
  context: AfterPackContext,
  flip?: (pathToElectron: string, config: FuseConfig) => Promise<number>,
): Promise<void>;
export default afterPack;
