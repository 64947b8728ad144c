import { ccxtErrors as ccxt } from './ccxt-modules';
import type { StreamError, StreamErrorKind } from '../../../shared/domain/stream';

/** A failure the source already understands; the feed does not have to guess its kind. */
export class MarketDataError extends Error {
  constructor(
    readonly kind: StreamErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'MarketDataError';
  }
}

export type ClassifiedError = {
  kind: StreamErrorKind;
  message: string;
  /** will not heal by retrying soon (the loop still retries, at the longest delay) */
  permanent: boolean;
};

const PERMANENT: ReadonlySet<StreamErrorKind> = new Set([
  'auth',
  'bad-symbol',
  'bad-timeframe',
  'not-supported',
  'rejected',
]);

/**
 * Sorts any failure of a watch or REST call into a kind the user can act on. Order matters: ccxt's
 * classes form a tree (DDoSProtection and ChecksumError are NetworkErrors, BadSymbol is a
 * BadRequest), so the most specific class is tested first.
 */
export function classifyError(err: unknown): ClassifiedError {
  const kind = kindOf(err);
  return { kind, message: messageOf(err), permanent: PERMANENT.has(kind) };
}

function kindOf(err: unknown): StreamErrorKind {
  // The sources' own errors (an unknown market, a closed REST gate, a key without permission).
  if (err instanceof MarketDataError) return err.kind;
  // We close sockets ourselves to reconnect a stale stream or after resume; the streams sharing that
  // socket see this and simply reconnect.
  if (err instanceof ccxt.ExchangeClosedByUser) return 'network';
  if (err instanceof ccxt.AuthenticationError) return 'auth';
  if (err instanceof ccxt.BadSymbol) return 'bad-symbol';
  if (err instanceof ccxt.NotSupported) return 'not-supported';
  if (err instanceof ccxt.ChecksumError || err instanceof ccxt.InvalidNonce) return 'checksum';
  if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded) return 'rate-limited';
  if (err instanceof ccxt.ExchangeNotAvailable) return 'exchange-unavailable';
  if (err instanceof ccxt.NetworkError && isUndecompressable(err)) return 'malformed';
  if (err instanceof ccxt.NetworkError) return 'network';
  // Binance answers an internal failure with HTTP 500 and code -1001, which ccxt maps to
  // OperationFailed (the parent of NetworkError, not a NetworkError): it is transient.
  if (err instanceof ccxt.OperationFailed) return 'exchange-unavailable';
  if (err instanceof ccxt.BadRequest) return 'rejected';
  if (err instanceof ccxt.ExchangeError) return 'rejected';
  // A non-JSON frame makes ccxt's message handler throw a plain TypeError (or SyntaxError), and that
  // rejects every pending watch on the socket; the socket itself survives.
  if (err instanceof TypeError || err instanceof SyntaxError) return 'malformed';
  return 'unknown';
}

/**
 * A binary frame that is not gzip on a gzip protocol (BingX): ccxt 4.5.84's gunzip throws, its
 * Client closes the socket and rejects every pending watch with a NetworkError carrying only
 * node:zlib's message (the error code is lost); the next watch reconnects.
 */
const ZLIB_MESSAGES =
  /incorrect header check|unexpected end of file|invalid (block type|stored block lengths|distance|code lengths set)|header crc mismatch/;

function isUndecompressable(err: Error): boolean {
  return ZLIB_MESSAGES.test(err.message);
}

function messageOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  // ccxt prefixes the exchange id and often appends a whole response body: keep it readable.
  return raw.length > 300 ? `${raw.slice(0, 297)}...` : raw;
}

export function toStreamError(c: ClassifiedError, at: number): StreamError {
  return { kind: c.kind, message: c.message, at };
}
