import type { StreamError, StreamInfo } from '../../shared/domain/stream';

/** Errors that mean the exchange itself could not be reached, not that a request was refused. */
const UNREACHABLE_KINDS: ReadonlySet<StreamError['kind']> = new Set(['network', 'exchange-unavailable']);

/**
 * The reason a chart has no candles, when it is that the exchange cannot be reached: the chart's
 * stream never received anything (or is not live) and its last error is a network one.
 */
export function unreachableError(stream: StreamInfo | undefined, bars: number): StreamError | null {
  if (!stream || bars > 0 || stream.state === 'live') return null;
  const err = stream.lastError;
  return err && UNREACHABLE_KINDS.has(err.kind) ? err : null;
}

/**
 * What failed, in words a trader reads at a glance, from the error ccxt or Node gave (the raw text
 * is shown apart, under Details). Node's socket codes are the stable part of those messages.
 */
export function unreachableWords(err: StreamError): string {
  const m = err.message;
  if (err.kind === 'exchange-unavailable')
    return 'it answered that it is unavailable (maintenance or overload)';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(m))
    return 'its address could not be looked up: no internet connection, or DNS is not answering';
  if (/ENETUNREACH|EHOSTUNREACH|ENETDOWN/i.test(m))
    return 'the network is unreachable: no internet connection';
  if (/ECONNREFUSED/i.test(m)) return 'the connection was refused';
  if (/ETIMEDOUT|timed? ?out/i.test(m)) return 'it did not answer in time';
  if (/ECONNRESET|socket hang up|closed/i.test(m)) return 'the connection was cut';
  if (/certificate|CERT_|SSL|TLS/i.test(m)) return 'its certificate was not accepted (a proxy in the way?)';
  return 'the network request failed';
}
