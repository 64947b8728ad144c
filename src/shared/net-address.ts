/**
 * What kind of place a host name or address literal points at, decided from its text alone (no DNS):
 * the settings schemas use it to refuse, when saved, URLs that would carry a credential or an alert
 * somewhere it must not go. Pure TypeScript (no node:net), so the renderer checks the same way.
 */
export type AddressKind =
  /** this machine: 127.0.0.0/8, ::1, localhost */
  | 'loopback'
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier NAT), fc00::/7 */
  | 'private'
  /** 169.254/16, fe80::/10: where cloud metadata services answer */
  | 'link-local'
  /** cloud metadata names and addresses (169.254.169.254, fd00:ec2::254, metadata.google.internal) */
  | 'metadata'
  /** 0.0.0.0/8, ::, multicast, reserved, documentation ranges: never a real destination */
  | 'unroutable'
  /** a public address literal */
  | 'public'
  /** a host name that is none of the above: what it resolves to is only known at send time */
  | 'name';

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data']);
const METADATA_IPS = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200']);

/** The host of a URL as `new URL().hostname` gives it, brackets of IPv6 literals removed. */
export const bareHost = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

export function parseIpv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** The 8 groups of an IPv6 literal (zone id dropped), or null when it is not one. */
export function parseIpv6(host: string): number[] | null {
  const text = bareHost(host).split('%')[0]!.toLowerCase();
  if (!text.includes(':') || !/^[0-9a-f:.]+$/.test(text)) return null;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    head = `${text.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = toGroups(halves[0]!);
  const right = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (![...left, ...right].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const known = left.length + right.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = new Array<string>(8 - known).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

function ipv4Kind(b: number[]): AddressKind {
  const [a, c] = [b[0]!, b[1]!];
  const ip = b.join('.');
  if (METADATA_IPS.has(ip)) return 'metadata';
  if (a === 127) return 'loopback';
  if (
    a === 10 ||
    (a === 172 && c >= 16 && c <= 31) ||
    (a === 192 && c === 168) ||
    (a === 100 && c >= 64 && c <= 127)
  )
    return 'private';
  if (a === 169 && c === 254) return 'link-local';
  if (a === 0 || a >= 224 || (a === 192 && c === 0 && b[2] === 2) || (a === 198 && (c === 18 || c === 19)))
    return 'unroutable';
  return 'public';
}

function ipv6Kind(g: number[]): AddressKind {
  if (g.slice(0, 7).every((x) => x === 0)) return g[7] === 1 ? 'loopback' : 'unroutable';
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 rules apply, or ::ffff:169.254.169.254 walks around them.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff)
    return ipv4Kind([g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255]);
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254)
    return 'metadata';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xff00) === 0xff00 || (g[0] === 0x2001 && g[1] === 0x0db8)) return 'unroutable';
  return 'public';
}

/** The kind of a host as it appears in a URL (`127.0.0.1`, `[::1]`, `example.com`). */
export function addressKind(hostname: string): AddressKind {
  const host = bareHost(hostname).toLowerCase().replace(/\.$/, '');
  const v4 = parseIpv4(host);
  if (v4) return ipv4Kind(v4);
  const v6 = parseIpv6(host);
  if (v6) return ipv6Kind(v6);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (METADATA_NAMES.has(host)) return 'metadata';
  // Numeric forms a resolver still accepts (2130706433, 0x7f.1, 017700000001): never a real host name.
  if (/^[0-9x.]+$/.test(host) || /^0x[0-9a-f]+$/.test(host)) return 'unroutable';
  return 'name';
}

export const isLoopbackHost = (hostname: string): boolean => addressKind(hostname) === 'loopback';

/** `https://user:pass@host` sends the credentials to whoever the host is; refused wherever a URL is saved. */
export const hasUserInfo = (u: URL): boolean => u.username !== '' || u.password !== '';

/** The URL parsed, or null. */
export function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
