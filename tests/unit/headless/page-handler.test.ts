import { describe, expect, it } from 'vitest';
import { filePath, readCookie } from '../../../src/main/headless/page-handler';

describe('renderer file paths', () => {
  const root = '/srv/out/renderer';

  it('maps / to index.html and other paths inside the folder', () => {
    expect(filePath(root, '/')).toBe('/srv/out/renderer/index.html');
    expect(filePath(root, '/assets/index-abc.js')).toBe('/srv/out/renderer/assets/index-abc.js');
    expect(filePath(root, '/assets/a%20b.css')).toBe('/srv/out/renderer/assets/a b.css');
  });

  it('refuses anything that leaves the folder or is malformed', () => {
    for (const path of [
      '/..',
      '/../main/headless.js',
      '/%2e%2e/main/headless.js',
      '/assets/%2E%2E/%2E%2E/x',
    ]) {
      expect(filePath(root, path)).toBeUndefined();
    }
    expect(filePath(root, '/%E0%A4%A')).toBeUndefined();
    expect(filePath(root, '/index.html%00.js')).toBeUndefined();
    expect(filePath(root, '/..%5C..%5Cwindows')).toBeUndefined();
  });
});

describe('cookie header', () => {
  it('finds a cookie by exact name', () => {
    expect(readCookie('a=1; candlewatch-page-80=xyz; b=2', 'candlewatch-page-80')).toBe('xyz');
    expect(readCookie('candlewatch-page-8080=xyz', 'candlewatch-page-80')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });
});
