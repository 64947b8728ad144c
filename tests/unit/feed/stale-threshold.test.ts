import { describe, expect, it } from 'vitest';
import { pollIntervalMs, staleAfterMs } from '../../../src/main/core/feed/stale-threshold';

describe('staleAfterMs: the silence after which a stream is stale, per channel', () => {
  it('a streamed channel (candles of any timeframe, ticker, book) uses the setting', () => {
    for (const timeframe of ['1m', '1h', '1d'])
      expect(staleAfterMs({ kind: 'candles', timeframe, polling: false }, 30_000)).toBe(30_000);
    expect(staleAfterMs({ kind: 'ticker', polling: false }, 5_000)).toBe(5_000);
    expect(staleAfterMs({ kind: 'orderbook', polling: false }, 5_000)).toBe(5_000);
  });

  it('a polled candle series gets at least its poll interval (by timeframe) plus slack', () => {
    expect(pollIntervalMs('1m')).toBe(15_000);
    expect(pollIntervalMs('1s')).toBe(2_000);
    expect(staleAfterMs({ kind: 'candles', timeframe: '1h', polling: true }, 5_000)).toBe(25_000);
    expect(staleAfterMs({ kind: 'candles', timeframe: '1s', polling: true }, 5_000)).toBe(12_000);
    // a longer setting still wins
    expect(staleAfterMs({ kind: 'candles', timeframe: '1h', polling: true }, 60_000)).toBe(60_000);
  });

  it('a polled ticker or book gets at least its 5 s poll plus slack', () => {
    expect(staleAfterMs({ kind: 'ticker', polling: true }, 5_000)).toBe(15_000);
    expect(staleAfterMs({ kind: 'orderbook', polling: true }, 30_000)).toBe(30_000);
  });
});
