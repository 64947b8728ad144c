import { createHmac, timingSafeEqual } from 'node:crypto';
import { BinanceError, mandatory } from './public-rest';

/**
 * Binance's request signing rules for HMAC-SHA256 keys, checked in Binance's order: API key (format,
 * then known and not revoked), timestamp and recvWindow, then the signature over the payload.
 */

export type Credentials = { apiKey: string; secret: string };

/** What the key may do, as GET /sapi/v1/account/apiRestrictions reports it. */
export type KeyPermissions = {
  enableReading: boolean;
  enableSpotAndMarginTrading: boolean;
  enableWithdrawals: boolean;
  ipRestrict: boolean;
};

const KEY_FORMAT = /^[A-Za-z0-9]{64}$/;
const MAX_RECV_WINDOW = 60_000;
const DEFAULT_RECV_WINDOW = 5_000;
/** Binance refuses a timestamp more than this far ahead of its clock */
const MAX_AHEAD_MS = 1_000;

function randomToken(seed: number, salt: string): string {
  // Deterministic per seed so a failing run can be replayed; only the format matters to ccxt.
  return createHmac('sha256', `fake-exchange-${seed}`).update(salt).digest('hex');
}

export class KeyRing {
  readonly credentials: Credentials;
  permissions: KeyPermissions = {
    enableReading: true,
    enableSpotAndMarginTrading: false,
    enableWithdrawals: false,
    ipRestrict: false,
  };
  revoked = false;
  /** added to Date.now() for every timestamp check and /api/v3/time: a server clock off by this much */
  clockSkewMs = 0;

  constructor(seed: number) {
    this.credentials = { apiKey: randomToken(seed, 'key'), secret: randomToken(seed, 'secret') };
  }

  serverTime(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** The API key check alone (listenKey endpoints and margin pairs need only the key, no signature). */
  checkApiKey(apiKey: string | undefined): void {
    if (apiKey === undefined || !KEY_FORMAT.test(apiKey))
      throw new BinanceError(401, -2014, 'API-key format invalid.');
    if (apiKey !== this.credentials.apiKey || this.revoked)
      throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  }

  /**
   * A signed call: `params` are the request's parameters, `payload` the exact text that was signed
   * (REST: query string + body without the signature pair; WS API: sorted params without it).
   */
  checkSigned(apiKey: string | undefined, params: Record<string, string>, payload: string): void {
    this.checkApiKey(apiKey);
    const timestampText = params['timestamp'];
    if (timestampText === undefined) throw mandatory('timestamp');
    const timestamp = Number(timestampText);
    const recvWindow =
      params['recvWindow'] === undefined ? DEFAULT_RECV_WINDOW : Number(params['recvWindow']);
    if (!Number.isFinite(recvWindow) || recvWindow > MAX_RECV_WINDOW)
      throw new BinanceError(400, -1131, `recvWindow must be less than ${MAX_RECV_WINDOW}`);
    const now = this.serverTime();
    if (timestamp >= now + MAX_AHEAD_MS)
      throw new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (now - timestamp > recvWindow)
      throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    const signature = params['signature'];
    if (signature === undefined) throw mandatory('signature');
    const expected = createHmac('sha256', this.credentials.secret).update(payload).digest('hex');
    const given = Buffer.from(signature.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected)))
      throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
  }
}

/** REST: Binance signs `queryString + body` verbatim; the signature pair is removed from whichever held it. */
export function restSignedPayload(rawQuery: string, rawBody: string): string {
  const strip = (text: string): string =>
    text
      .split('&')
      .filter((pair) => pair !== '' && !pair.startsWith('signature='))
      .join('&');
  return strip(rawQuery) + strip(rawBody);
}

/** WS API: every param but the signature, sorted by name, as `k=v` joined by `&` (values not encoded). */
export function wsSignedPayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}=${String(params[key])}`)
    .join('&');
}
