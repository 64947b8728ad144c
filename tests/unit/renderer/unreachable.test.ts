import { describe, expect, it } from 'vitest';
import { unreachableError, unreachableWords } from '../../../src/renderer/chart/unreachable';
import type { StreamError, StreamInfo } from '../../../src/shared/domain/stream';

const error = (message: string, kind: StreamError['kind'] = 'network'): StreamError => ({
  kind,
  message,
  at: 1,
});

const stream = (patch: Partial<StreamInfo>): StreamInfo => ({
  id: 'binance|BTC/USDT|1m',
  kind: 'candles',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  transport: 'websocket',
  state: 'reconnecting',
  stateSince: 0,
  lastError: null,
  messages: 0,
  messagesPerSecond: 0,
  reconnects: 3,
  lastMessageAt: null,
  lastMessageAgeMs: null,
  quietSince: null,
  staleAfterMs: null,
  latencyMs: null,
  ...patch,
});

describe('an exchange that cannot be reached', () => {
  it('is the reason for an empty chart only with a network error and no live stream', () => {
    const refused = error(
      'binance GET http://127.0.0.1:1/api/v3/exchangeInfo fetch failed: connect ECONNREFUSED',
    );
    expect(unreachableError(stream({ lastError: refused }), 0)).toBe(refused);
    expect(unreachableError(stream({ lastError: refused }), 10)).toBeNull();
    expect(unreachableError(stream({ lastError: refused, state: 'live' }), 0)).toBeNull();
    expect(unreachableError(stream({ lastError: error('bad symbol', 'bad-symbol') }), 0)).toBeNull();
    expect(unreachableError(undefined, 0)).toBeNull();
  });

  it('says what failed in plain words', () => {
    expect(unreachableWords(error('fetch failed: getaddrinfo ENOTFOUND api.example'))).toMatch(
      /no internet connection/,
    );
    expect(unreachableWords(error('connect ENETUNREACH 1.2.3.4:443'))).toMatch(/network is unreachable/);
    expect(unreachableWords(error('connect ECONNREFUSED 127.0.0.1:9'))).toBe('the connection was refused');
    expect(unreachableWords(error('RequestTimeout: timed out after 10000 ms'))).toBe(
      'it did not answer in time',
    );
    expect(unreachableWords(error('read ECONNRESET'))).toBe('the connection was cut');
    expect(unreachableWords(error('503 Service Unavailable', 'exchange-unavailable'))).toMatch(/maintenance/);
    expect(unreachableWords(error('something else'))).toBe('the network request failed');
  });
});
