import { describe, expect, it } from 'vitest';
import type { StreamInfo, StreamState } from '../../../src/shared/domain/stream';
import { exchangeHealth, freshness, symbolStreamStates } from '../../../src/renderer/live/freshness';

const base = { now: 100_000, staleAfterMs: 30_000, coreOpen: true };

describe('the age of a price on screen', () => {
  it('is live while its stream is live and updates keep coming', () => {
    expect(freshness({ ...base, states: ['live'], seenAt: 98_000 })).toMatchObject({
      kind: 'live',
      ageMs: 2_000,
    });
  });

  it('turns stale past the threshold even before the core says so', () => {
    const f = freshness({ ...base, states: ['live'], seenAt: 60_000 });
    expect(f).toMatchObject({ kind: 'stale', text: 'stale 40 s' });
  });

  it('says stale or reconnecting as the stream does, with how old the price is', () => {
    expect(freshness({ ...base, states: ['stale'], seenAt: 95_000 }).text).toBe('stale 5 s');
    expect(freshness({ ...base, states: ['live', 'reconnecting'], seenAt: 40_000 }).text).toBe(
      'reconnecting · 1 min old',
    );
    expect(freshness({ ...base, states: ['backfilling'], seenAt: 99_000 }).kind).toBe('backfilling');
  });

  it('is never live while the link to the core is down', () => {
    expect(freshness({ ...base, coreOpen: false, states: ['live'], seenAt: 99_000 })).toMatchObject({
      kind: 'disconnected',
      text: 'core disconnected · 1 s old',
    });
  });

  it('is waiting, not reconnecting, before anything arrived', () => {
    expect(freshness({ ...base, states: ['connecting'], seenAt: undefined }).kind).toBe('waiting');
    // A price read with the page while its stream is live is current.
    expect(freshness({ ...base, states: ['live'], seenAt: undefined }).kind).toBe('live');
  });
});

const stream = (id: string, state: StreamState, reconnects = 1): StreamInfo => {
  const [exchange = '', symbol = '', tf = ''] = id.split('|');
  const kind = tf === 'ticker' ? 'ticker' : tf === 'balance' ? 'balance' : 'candles';
  return {
    id,
    kind,
    exchange,
    symbol,
    timeframe: kind === 'candles' ? tf : null,
    transport: 'websocket',
    state,
    stateSince: 0,
    lastError: null,
    messages: 0,
    messagesPerSecond: 0,
    reconnects,
    lastMessageAt: null,
    lastMessageAgeMs: null,
    latencyMs: null,
    quietSince: null,
    staleAfterMs: null,
  };
};
const byId = (list: StreamInfo[]) => Object.fromEntries(list.map((s) => [s.id, s]));

describe('exchange health in the header', () => {
  it('is live only when every market stream is, and never green at 0 of N', () => {
    const streams = byId([
      stream('binance|BTC/USDT|1m', 'live'),
      stream('binance|BTC/USDT|ticker', 'stale'),
      stream('kraken|BTC/USD|1m', 'reconnecting'),
      stream('kraken|BTC/USD|ticker', 'stale'),
      stream('sim|BTC/USDT|1m', 'live'),
      // A refused account key does not make the market data degraded.
      stream('sim|account|balance', 'error'),
    ]);
    expect(exchangeHealth(streams).map((h) => [h.exchange, h.kind, h.text])).toEqual([
      ['binance', 'degraded', 'degraded · 1/2 live'],
      ['kraken', 'down', 'down · 0/2 live'],
      ['sim', 'live', 'live'],
    ]);
  });

  it('says connecting in the first seconds, before any stream ever connected', () => {
    const streams = byId([stream('binance|BTC/USDT|1m', 'connecting', 0)]);
    expect(exchangeHealth(streams)[0]?.kind).toBe('connecting');
  });

  it('says connecting, not down, while a first start fetches its warm-up history', () => {
    const streams = byId([stream('sim|BTC/USDT|1m', 'backfilling', 0), stream('sim|ETH/USDT|1m', 'live', 0)]);
    expect(exchangeHealth(streams)[0]?.text).toBe('connecting · 1/2 live');
    const afterDrop = byId([
      stream('sim|BTC/USDT|1m', 'backfilling', 1),
      stream('sim|ETH/USDT|1m', 'live', 0),
    ]);
    expect(exchangeHealth(afterDrop)[0]?.kind).toBe('degraded');
  });

  it('reads the streams of one symbol, or of one series', () => {
    const streams = byId([
      stream('binance|BTC/USDT|1m', 'live'),
      stream('binance|BTC/USDT|ticker', 'stale'),
      stream('binance|ETH/USDT|ticker', 'live'),
    ]);
    expect(symbolStreamStates(streams, 'binance', 'BTC/USDT').sort()).toEqual(['live', 'stale']);
    expect(symbolStreamStates(streams, 'binance', 'BTC/USDT', { kind: 'ticker' })).toEqual(['stale']);
    expect(symbolStreamStates(streams, 'binance', 'BTC/USDT', { seriesId: 'binance|BTC/USDT|1m' })).toEqual([
      'live',
    ]);
  });
});
