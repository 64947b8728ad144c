import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

const LOOPBACK_NAMES = ['127.0.0.1', '[::1]', 'localhost'];
const WILDCARDS = new Set(['0.0.0.0', '::']);

/** How a host goes into a URL or a Host header: IPv6 literals take brackets. */
export const urlHost = (host: string): string => (isIP(host) === 6 ? `[${host}]` : host);

export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * The names a browser may use to reach the server. Anything else in the Host header is refused:
 * that is what stops DNS rebinding, where an attacker's domain suddenly resolves to 127.0.0.1.
 */
export function allowedHostNames(
  bindHost: string | undefined,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  machineName: string,
): string[] {
  if (bindHost === undefined) return [...LOOPBACK_NAMES];
  const names = new Set<string>();
  if (WILDCARDS.has(bindHost)) {
    for (const name of LOOPBACK_NAMES) names.add(name);
    for (const list of Object.values(interfaces)) {
      for (const info of list ?? []) {
        // Link-local IPv6 needs a zone id in the URL ("%25eth0"), which browsers do not support.
        if (info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80:')) continue;
        names.add(urlHost(info.address.toLowerCase()));
      }
    }
    names.add(machineName.toLowerCase());
  } else {
    names.add(urlHost(bindHost));
    if (isLoopbackHost(bindHost)) for (const name of LOOPBACK_NAMES) names.add(name);
  }
  return [...names];
}

export type HostPolicy = {
  /** true when the Host header names this server (name and port). */
  allowsHost(hostHeader: string | undefined): boolean;
  /** true when a socket's Origin is the page this server served under that Host. */
  allowsOrigin(origin: string | undefined, hostHeader: string | undefined): boolean;
};

export function createHostPolicy(
  names: readonly string[],
  port: number,
  scheme: 'http' | 'https' = 'http',
): HostPolicy {
  const allowed = new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
  // A browser leaves the default port out of the Host header.
  if (port === (scheme === 'https' ? 443 : 80)) for (const n of names) allowed.add(n.toLowerCase());
  const allowsHost = (hostHeader: string | undefined) =>
    typeof hostHeader === 'string' && allowed.has(hostHeader.toLowerCase());
  return {
    allowsHost,
    allowsOrigin: (origin, hostHeader) =>
      allowsHost(hostHeader) &&
      typeof origin === 'string' &&
      origin.toLowerCase() === `${scheme}://${hostHeader!.toLowerCase()}`,
  };
}
