import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressKind, bareHost, type AddressKind } from '../../../shared/net-address';

/** Which kinds of address a request may connect to, decided again for every address DNS returns. */
export type DestinationPolicy = (kind: AddressKind) => boolean;

/** A request refused before it left: the address it would have reached is not allowed. */
export class DestinationRefusedError extends Error {
  readonly code = 'EDESTINATION';
  constructor(kind: AddressKind) {
    super(`refused to connect to a ${kind} address`);
    this.name = 'DestinationRefusedError';
  }
}

/** DNS as the system resolves it, every address (a test passes one that answers what it wants). */
export type Resolver = (
  hostname: string,
  family: number | string | undefined,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, family, callback) =>
  dnsLookup(
    hostname,
    { all: true, family: family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : ((family ?? 0) as 0 | 4 | 6) },
    callback,
  );

/** Public addresses only (what a webhook on the internet resolves to). */
export const publicOnly: DestinationPolicy = (kind) => kind === 'public';
/** Public addresses and this machine (local webhooks the user allowed, a test's Telegram stand-in). */
export const publicOrLoopback: DestinationPolicy = (kind) => kind === 'public' || kind === 'loopback';

/**
 * A `fetch` for alerts leaving the machine (webhooks, Telegram), made for what the URL's owner could
 * try against us:
 * - the address is checked when the socket connects, on the very addresses DNS returned for that
 *   connection, so a name that resolved to a public address at save time and to 169.254.169.254 or
 *   127.0.0.1 now (DNS rebinding) is refused; literal addresses are checked the same way;
 * - redirects are never followed (node:http does not): a 307 cannot move the POST elsewhere;
 * - nothing but status, headers and body comes back.
 */
export function guardedFetch(policy: DestinationPolicy, resolve: Resolver = systemResolver): typeof fetch {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname, options.family, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.map((a) => addressKind(a.address)).find((kind) => !policy(kind));
      if (refused !== undefined || addresses.length === 0)
        return callback(new DestinationRefusedError(refused ?? 'unroutable'), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

  const send = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const host = bareHost(url.hostname);
      const literal = addressKind(host);
      // An IP literal never goes through lookup: checked here instead.
      if (literal !== 'name' && !policy(literal)) return reject(new DestinationRefusedError(literal));
      const request =
        url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null;
      if (!request) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string> | undefined,
          lookup,
          signal: init.signal ?? undefined,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === 'string') headers.set(k, v);
              else if (Array.isArray(v)) for (const one of v) headers.append(k, one);
            }
            const status = res.statusCode ?? 0;
            // Response refuses a body on 204/304 and statuses outside 200–599.
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            try {
              resolve(new Response(body, { status: status >= 200 && status <= 599 ? status : 599, headers }));
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
        },
      );
      req.on('error', (err) => reject(err));
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  return send as typeof fetch;
}
