import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it, vi } from 'vitest';
import { afterPack, electronBinaryPath, FUSES } from '../../../scripts/after-pack.mjs';

// electron-builder's own loader and schema check, the ones `npm run dist` runs before packaging.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

const packager = (executableName = 'candlewatch') => ({
  executableName,
  appInfo: { productFilename: 'Candlewatch' },
});

describe('electron-builder.yml', () => {
  it('is valid electron-builder configuration with the required identity, targets and icons', async () => {
    const config = await getConfig(process.cwd(), 'electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config).toMatchObject({
      appId: 'org.candlewatch.app',
      productName: 'Candlewatch',
      directories: { output: 'release' },
      files: [{ filter: ['out/**', 'package.json'] }],
      asarUnpack: ['node_modules/better-sqlite3/**'],
      npmRebuild: false,
      afterPack: './scripts/after-pack.mjs',
      linux: { target: ['AppImage', 'deb'], category: 'Finance' },
      win: { target: ['nsis'] },
      mac: { target: ['dmg'] },
    });
    expect(config.linux?.maintainer).toMatch(/<[^@\s]+@[^>\s]+>/);
    // electron-builder's schema validation loads a large module graph: seconds on a loaded machine.
  }, 30_000);

  it('points at icon files that exist and are real images', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      const file = readFileSync(join('assets/icons', `${size}x${size}.png`));
      expect(file.subarray(0, 4)).toEqual(png);
      expect(file.readUInt32BE(16)).toBe(size); // IHDR width
    }
    expect(readFileSync('assets/icon.ico').subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(readFileSync('assets/icon.icns').subarray(0, 4).toString('ascii')).toBe('icns');
    expect(existsSync('assets/tray/tray-32.png')).toBe(true);
  });
});

describe('after-pack fuses hook', () => {
  it('turns off every way to run other code and turns on asar integrity and cookie encryption', () => {
    expect(FUSES).toMatchObject({
      version: FuseVersion.V1,
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
    // strictlyRequireAllFuses: every fuse this @electron/fuses knows has a decided value.
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    for (const fuse of known) expect(typeof (FUSES as Record<number, unknown>)[fuse]).toBe('boolean');
  });

  it.each([
    ['linux', '/r/linux-unpacked', '/r/linux-unpacked/candlewatch'],
    ['win32', '/r/win-unpacked', '/r/win-unpacked/Candlewatch.exe'],
    ['darwin', '/r/mac', '/r/mac/Candlewatch.app'],
  ])('finds the Electron binary on %s', (electronPlatformName, appOutDir, expected) => {
    expect(electronBinaryPath({ electronPlatformName, appOutDir, packager: packager() })).toBe(expected);
  });

  it('flips the fuses on that binary, re-signing ad hoc only on macOS', async () => {
    const flip = vi.fn(async () => 0);
    await afterPack(
      { electronPlatformName: 'linux', appOutDir: '/r/linux-unpacked', packager: packager() },
      flip,
    );
    await afterPack({ electronPlatformName: 'darwin', appOutDir: '/r/mac', packager: packager() }, flip);
    expect(flip.mock.calls).toEqual([
      ['/r/linux-unpacked/candlewatch', { ...FUSES, resetAdHocDarwinSignature: false }],
      ['/r/mac/Candlewatch.app', { ...FUSES, resetAdHocDarwinSignature: true }],
    ]);
  });

  it('refuses a platform it does not know instead of guessing a path', () => {
    expect(() =>
      electronBinaryPath({ electronPlatformName: 'aix', appOutDir: '/r', packager: packager() }),
    ).toThrow(/aix/);
  });
});
