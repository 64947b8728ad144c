import { ccxtErrors as ccxt } from '../base/ccxt-modules';
import type { AccessProblem } from '../../../shared/contract/methods/account';
import type { StreamErrorKind } from '../../../shared/domain/stream';
import { classifyError, MarketDataError } from '../base/classify-error';
import { ForeignHostError } from '../exchange/host-guard';
import { ReadOnlyRefusedError } from './read-only-allowlist';

/**
 * A failure of a private call, already sorted: the plain-words problem for Settings and the Account
 * tab, and (as a MarketDataError) the stream error kind the shared watch loop acts on. Its message
 * has passed the redactor: it may be shown, logged and sent as it is.
 */
export class AccountAccessError extends MarketDataError {
  constructor(
    readonly problem: AccessProblem,
    kind: StreamErrorKind,
    message: string,
    /** the exchange's clock differs from ours and ccxt can sign with the exchange's time instead */
    readonly canSyncClock = false,
    /** Candlewatch closed the socket itself (to reconnect or stop): not a problem to show */
    readonly ownDoing = false,
  ) {
    super(kind, message);
    this.name = 'AccountAccessError';
  }
}

/** Problems that retrying will not fix: the loop waits its longest delay between attempts. */
const KEY_PROBLEMS: ReadonlySet<AccessProblem> = new Set([
  'wrong-key',
  'wrong-signature',
  'missing-permission',
  'ip-not-allowed',
  'clock-skew',
  'account-locked',
]);

const MAX_REASON = 300;

// Binance's error codes of the private side (REST and WebSocket API), read from the response text
// ccxt puts in the message: the class alone is ambiguous (see below).
const BINANCE_CLOCK = /"code":\s*-1021\b/;
const BINANCE_SIGNATURE = /"code":\s*-1022\b/;
const BINANCE_KEY_FORMAT = /"code":\s*-2014\b/;
const BINANCE_KEY_REJECTED = /"code":\s*-2015\b/;
const BINANCE_UNAUTHORIZED = /"code":\s*-1002\b/;
// BingX 100413 "Incorrect apiKey": ccxt 4.5.84 has no mapping for it, a plain ExchangeError.
const BINGX_KEY_REJECTED = /"code":\s*100413\b/;
// OKX 50110, Bybit 10010, KuCoin 400006, Kraken "EAPI:Invalid key" aside: exchanges that say so.
const IP_REFUSED =
  /\bIP\b.{0,40}(white|trust|allow|match|bind|bound)|(white|trust).{0,40}\bIP\b|unmatched ip/i;
const SIGNATURE = /signature|sign\b/i;

export function describeAccessError(
  err: unknown,
  exchangeName: string,
  redact: (text: string) => string,
): AccountAccessError {
  if (err instanceof AccountAccessError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  // Masked before it is cut: a cut through a key would leave a piece the redactor no longer knows.
  const masked = redact(raw);
  const said = masked.length > MAX_REASON ? `${masked.slice(0, MAX_REASON - 3)}...` : masked;
  const make = (problem: AccessProblem, words: string, canSyncClock = false) => {
    const kind: StreamErrorKind = KEY_PROBLEMS.has(problem)
      ? 'auth'
      : problem === 'rate-limited'
        ? 'rate-limited'
        : problem === 'not-supported'
          ? 'not-supported'
          : classifyError(err).kind;
    return new AccountAccessError(problem, kind, `${words} (${exchangeName} said: ${said})`, canSyncClock);
  };

  if (err instanceof ccxt.ExchangeClosedByUser) {
    return new AccountAccessError('unknown', 'network', redact(raw), false, true);
  }
  if (err instanceof ReadOnlyRefusedError || err instanceof ForeignHostError)
    return new AccountAccessError('not-supported', 'rejected', redact(raw));
  // InvalidNonce is a NetworkError subclass: a generic loop would retry a wrong clock forever. Over
  // Binance's WebSocket API the same -1021 arrives as BadRequest, hence the code check.
  if (err instanceof ccxt.InvalidNonce || BINANCE_CLOCK.test(raw)) {
    return make(
      'clock-skew',
      `${exchangeName} refused the request because this computer's clock is off. Turn on clock sync for ` +
        `${exchangeName} (requests are then signed with the exchange's time) or correct the system clock`,
      true,
    );
  }
  if (BINANCE_SIGNATURE.test(raw)) {
    return make(
      'wrong-signature',
      'The secret does not match the API key: the signature was refused. Copy the secret again, completely',
    );
  }
  if (BINANCE_KEY_FORMAT.test(raw)) {
    return make('wrong-key', 'The API key is malformed. Copy it again, completely and without spaces');
  }
  if (BINANCE_KEY_REJECTED.test(raw)) {
    // ccxt turns -2015 into DDoSProtection once a call has succeeded (it takes it for an IP ban):
    // here it is what it says, a key that stopped working.
    return make(
      'wrong-key',
      `${exchangeName} does not accept this API key: it is wrong, was deleted or revoked, lacks the ` +
        "read permission, or has an IP whitelist without this computer's address",
    );
  }
  if (BINGX_KEY_REJECTED.test(raw)) {
    return make(
      'wrong-key',
      `${exchangeName} does not accept this API key: it is wrong, or was deleted. Copy it again, completely`,
    );
  }
  if (BINANCE_UNAUTHORIZED.test(raw) || err instanceof ccxt.PermissionDenied) {
    return make(
      IP_REFUSED.test(raw) ? 'ip-not-allowed' : 'missing-permission',
      IP_REFUSED.test(raw)
        ? `${exchangeName} accepts this API key only from whitelisted IP addresses, and this computer's is not one`
        : 'The API key lacks the permission for this (reading the account). Enable reading for the key',
    );
  }
  if (err instanceof ccxt.AccountSuspended) {
    return make('account-locked', `${exchangeName} reports the account as suspended or locked`);
  }
  if (err instanceof ccxt.AuthenticationError) {
    if (IP_REFUSED.test(raw)) {
      return make(
        'ip-not-allowed',
        `${exchangeName} accepts this API key only from whitelisted IP addresses, and this computer's is not one`,
      );
    }
    if (SIGNATURE.test(raw)) {
      return make(
        'wrong-signature',
        'The secret does not match the API key. Copy the secret again, completely',
      );
    }
    return make('wrong-key', `${exchangeName} does not accept this API key or its secret`);
  }
  if (err instanceof ccxt.NotSupported) {
    return make('not-supported', `ccxt cannot read this account on ${exchangeName}`);
  }
  if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded) {
    return make('rate-limited', `${exchangeName} asks Candlewatch to slow down; it will retry later`);
  }
  if (
    err instanceof ccxt.NetworkError ||
    err instanceof ccxt.ExchangeNotAvailable ||
    err instanceof ccxt.OnMaintenance ||
    err instanceof ccxt.OperationFailed
  ) {
    return make(
      'exchange-down',
      `${exchangeName} could not be reached or is not answering (down, in maintenance, or this computer is offline)`,
    );
  }
  return make('unknown', `The request to ${exchangeName} failed`);
}
