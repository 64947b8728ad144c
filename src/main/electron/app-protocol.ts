import { readFile } from 'node:fs/promises';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';
import { bundleFilePath, contentTypeOf } from '../core/renderer-bundle';

/**
 * The packaged renderer is served from `app://candlewatch/` rather than file://: a custom standard
 * scheme gives the page a real origin of its own (the sender check compares it exactly), keeps
 * other local files out of reach, and lets the GrantFileProtocolExtraPrivileges fuse stay off
 * (Electron security checklist, "Avoid file:// and prefer custom protocols").
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'candlewatch';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** For protocol.registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

/**
 * Handler for protocol.handle(APP_SCHEME): read-only files under `rendererRoot`, GET/HEAD only, each
 * with the CSP header (webRequest.onHeadersReceived never sees custom-scheme responses).
 */
export function createAppRequestHandler(
  rendererRoot: string,
): (request: { url: string; method: string }) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'bad url');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'not found');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, 'bad path');
    }
    const file = bundleFilePath(rendererRoot, pathname);
    if (file === undefined) return plain(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return plain(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}
