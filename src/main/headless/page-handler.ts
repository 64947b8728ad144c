import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/base/log';
import type { PairedClients } from '../core/pairing/paired-clients';
import { bundleFilePath, contentTypeOf } from '../core/renderer-bundle';
import type { AccessToken } from './access-token';
import type { HostPolicy } from './host-policy';
import type { RefusalLog } from './refusal-log';
import { SECURITY_HEADERS } from './security-headers';

export type PageHandlerOptions = {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  token: AccessToken;
  /** paired clients may open the page with their own token too */
  paired?: PairedClients;
  hosts: HostPolicy;
  /** served over TLS: the cookie is marked Secure */
  secure?: boolean;
  /** Per port, because cookies are shared by every port of a host. */
  cookieName: string;
  log: Logger;
  /** where refused requests are counted (shared with the socket binding) */
  refusals: RefusalLog;
};

/**
 * Serves the built renderer, GET and HEAD only, to a request that names this server in its Host
 * header and carries the token (query) or the page cookie set when the token was first shown.
 */
export function createPageHandler(opts: PageHandlerOptions) {
  const log = opts.log;
  // Over TLS the cookie never travels in the clear either.
  const secure = opts.secure ? '; Secure' : '';

  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!opts.hosts.allowsHost(req.headers.host)) {
      opts.refusals.refused('foreign Host header', { host: String(req.headers.host).slice(0, 100) });
      return sendText(res, 403, 'Forbidden: this server only answers to the address it printed.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://candlewatch.invalid');
    } catch {
      return sendText(res, 400, 'Bad request.');
    }

    const extraHeaders: Record<string, string> = {};
    const presented = url.searchParams.get('token');
    const paired = presented === null ? undefined : opts.paired?.verify(presented);
    const cookie = readCookie(req.headers.cookie, opts.cookieName);
    const cookiePairedId = opts.token.pairedIdOfPageCookie(cookie);
    const setCookie = (value: string) =>
      (extraHeaders['Set-Cookie'] =
        `${opts.cookieName}=${value}; HttpOnly; SameSite=Strict; Path=/${secure}`);
    if (opts.token.matches(presented)) {
      setCookie(opts.token.pageCookieValue);
    } else if (paired) {
      setCookie(opts.token.pairedPageCookie(paired.id));
    } else if (
      !opts.token.matchesPageCookie(cookie) &&
      // a revoked pairing's cookie opens nothing either
      !(cookiePairedId !== undefined && opts.paired?.list().some((c) => c.id === cookiePairedId))
    ) {
      return sendText(
        res,
        401,
        presented === null
          ? 'Candlewatch needs its access token: open the full URL that `npm run serve` printed.'
          : // A pairing token typed wrong, or one revoked: said as such, and nothing was opened.
            'This access token is not valid on this server: it is mistyped, or its pairing was revoked. ' +
              'Open the full URL that `npm run serve` printed, or the token `npm run serve -- --pair NAME` printed for this client.',
      );
    }

    const file = filePath(opts.rendererDir, url.pathname);
    if (file === undefined) return sendText(res, 404, 'Not found.');
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          ...extraHeaders,
          'Content-Type': contentTypeOf(file),
          'Content-Length': body.length,
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'ENOTDIR') {
          return sendText(res, 404, 'Not found.');
        }
        log.error('cannot read a renderer file', { path: url.pathname, error: err });
        sendText(res, 500, 'Internal error.');
      },
    );
  };
}

/** The file a URL path (still percent-encoded) names inside `root`, or undefined for anything that would leave it. */
export function filePath(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  return bundleFilePath(root, decoded);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
