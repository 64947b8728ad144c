import { extname, resolve, sep } from 'node:path';

/**
 * Reading the built renderer (out/renderer) for the two shells that serve it: the Electron window's
 * app:// protocol and the headless HTTP server. Both answer only GET/HEAD for files below the bundle
 * folder, with these content types.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

/** The Content-Type of a bundle file, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file an already percent-decoded URL path names inside `root` (`/` is the entry page), or
 * undefined for anything that could leave it: a `..` that climbs out, a NUL, or a backslash (a path
 * separator on Windows, never in a bundle URL).
 */
export function bundleFilePath(root: string, decodedPath: string): string | undefined {
  if (decodedPath.includes('\0') || decodedPath.includes('\\')) return undefined;
  const base = resolve(root);
  const relative = decodedPath === '/' ? 'index.html' : decodedPath.replace(/^\/+/, '');
  const file = resolve(base, relative);
  return file.startsWith(base + sep) ? file : undefined;
}
