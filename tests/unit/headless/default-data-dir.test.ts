import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../src/main/headless/default-data-dir';

describe('default data folder', () => {
  it('follows XDG on Linux, ignoring a relative XDG_DATA_HOME', () => {
    expect(defaultDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.local/share/candlewatch');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data/ann' }, '/home/ann')).toBe(
      '/data/ann/candlewatch',
    );
    expect(defaultDataDir('linux', { XDG_DATA_HOME: 'rel/dir' }, '/home/ann')).toBe(
      '/home/ann/.local/share/candlewatch',
    );
    expect(defaultDataDir('freebsd', {}, '/home/ann')).toBe('/home/ann/.local/share/candlewatch');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir('darwin', {}, '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/Candlewatch',
    );
  });

  it('uses APPDATA on Windows', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Candlewatch',
    );
    expect(defaultDataDir('win32', {}, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Candlewatch',
    );
  });
});
