import { describe, expect, it } from 'vitest';
import type { StreamState } from '../../../src/shared/domain/stream';
import { CandleStream } from '../../../src/main/core/feed/candle-stream';
import { silentLogger } from '../../../src/main/core/base/log';
import { MarketDataError } from '../../../src/main/core/base/classify-error';
import { TURN_WAIT_LIMIT_MS } from '../../../src/main/core/streams/watch-loop';
import { MINUTE, T0, candleAt, candles, partial } from '../../support/candle-builders';
import { FakeClock } from '../../support/fake-clock';
import { MemoryCandles } from '../../support/memory-candles';
import { ScriptedSource } from '../../support/scripted-source';

const key = { exchange: 'scripted', symbol: 'BTC/USDT', timeframe: '1m' };

function setup(
  opts: { stored?: number; symbol?: string; websocket?: boolean; pushesQuietIntervals?: boolean } = {},
) {
  const clock = new FakeClock(T0 + 20 * MINUTE + 5_000);
  const source = new ScriptedSource(clock, {
    symbols: ['BTC/USDT'],
    websocketOhlcv: opts.websocket ?? true,
    pushesQuietIntervals: opts.pushesQuietIntervals,
  });
  const store = new MemoryCandles(opts.stored ? { 'scripted|BTC/USDT|1m': candles(0, opts.stored) } : {});
  const states: StreamState[] = [];
  const transport = opts.websocket === false ? 'rest-poll' : 'websocket';
  const stream = new CandleStream({ ...key, symbol: opts.symbol ?? key.symbol }, transport, {
    source,
    clock,
    log: silentLogger(),
    history: store,
    gaps: store,
    random: () => 0.5,
    warmupCandles: 3,
    emit: store.write,
    onState: (info) => states.push(info.state),
  });
  /** the exchange at minute `i`: REST knows every closed candle and the forming one */
  const exchangeAt = (i: number, progress: number) => {
    source.setRest('BTC/USDT', '1m', [...candles(0, i), partial(candleAt(i), progress)]);
    source.send('BTC/USDT', '1m', partial(candleAt(i), progress));
  };
  return { clock, source, store, states, stream, exchangeAt };
}

describe('CandleStream', () => {
  it('goes connecting → backfilling → live, filling the hole since the last stored candle first', async () => {
    const { clock, source, store, states, stream, exchangeAt } = setup({ stored: 10 });
    stream.start();
    await clock.advance(0);
    expect(stream.status.state).toBe('connecting');
    exchangeAt(20, 0.3);
    await clock.advance(0);
    expect(states).toEqual(['backfilling', 'live']);
    expect(store.series(key)).toEqual(candles(0, 20));
    expect(store.forming.get('scripted|BTC/USDT|1m')).toEqual(partial(candleAt(20), 0.3));
    expect(store.gaps).toMatchObject([{ reason: 'start', expected: 10, filled: 10 }]);
    expect(source.fetchLog).toHaveLength(1);
    expect(store.violations).toEqual([]);
  });

  it('after a dropped socket: reconnecting, then the forming candle is confirmed over REST, not closed as seen', async () => {
    const { clock, source, store, states, stream, exchangeAt } = setup({ stored: 20 });
    stream.start();
    await clock.advance(0);
    exchangeAt(20, 0.3);
    await clock.advance(0);
    source.reconnect();
    await clock.advance(0);
    expect(stream.status.state).toBe('reconnecting');
    expect(stream.status.snapshot()).toMatchObject({ reconnects: 1, lastError: { kind: 'network' } });
    // Full jitter at 0.5 of a 1 s ceiling: the loop retries after 500 ms.
    expect(clock.pendingDelays()).toContain(500);
    await clock.advance(500);
    exchangeAt(22, 0.1);
    await clock.advance(0);
    expect(states).toEqual(['live', 'reconnecting', 'backfilling', 'live']);
    expect(store.series(key)).toEqual(candles(0, 22));
    expect(store.gaps.at(-1)).toMatchObject({
      reason: 'reconnect',
      from: T0 + 20 * MINUTE,
      expected: 2,
      filled: 2,
    });
  });

  it('notices a socket ccxt replaced silently (no failed watch) and still confirms over REST', async () => {
    const { clock, source, store, stream, exchangeAt } = setup({ stored: 20 });
    stream.start();
    await clock.advance(0);
    exchangeAt(20, 0.3);
    await clock.advance(0);
    source.replaceSocketSilently();
    exchangeAt(21, 0.1);
    await clock.advance(0);
    expect(store.series(key)).toEqual(candles(0, 21));
    expect(store.gaps.at(-1)).toMatchObject({ reason: 'reconnect', expected: 1, filled: 1 });
  });

  it('starts the stale clock when the watch starts, not while the markets load', async () => {
    const { clock, source, stream } = setup({ stored: 20 });
    source.loadMarketsTakesMs = 40_000;
    stream.start();
    await clock.advance(40_000);
    expect(source.pendingWatches()).not.toEqual([]);
    expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
    await clock.advance(30_001);
    expect(stream.checkStale(clock.now(), 30_000)).toBe(true);
  });

  describe('a subscription still waiting its turn to be sent (socket connecting, backoff, message pace)', () => {
    it('holds the stale clock, which starts when the subscription goes out', async () => {
      const { clock, source, stream } = setup({ stored: 20 });
      stream.start();
      await clock.advance(0);
      source.waitingToSubscribe.set('BTC/USDT|1m', clock.now());
      for (let waited = 0; waited < 120_000; waited += 1_000) {
        await clock.advance(1_000);
        expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      }
      const sentAt = clock.now();
      source.waitingToSubscribe.delete('BTC/USDT|1m');
      await clock.advance(30_000);
      expect(clock.now() - sentAt).toBe(30_000);
      expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      await clock.advance(1);
      expect(stream.checkStale(clock.now(), 30_000)).toBe(true);
      expect(stream.status.snapshot().lastError).toMatchObject({ kind: 'stale' });
    });

    it('holds it no longer than TURN_WAIT_LIMIT_MS: a turn that never comes still ends in a reconnect', async () => {
      const { clock, source, stream } = setup({ stored: 20 });
      stream.start();
      await clock.advance(0);
      source.waitingToSubscribe.set('BTC/USDT|1m', clock.now());
      await clock.advance(TURN_WAIT_LIMIT_MS - 1);
      expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      await clock.advance(30_002);
      expect(stream.checkStale(clock.now(), 30_000)).toBe(true);
    });
  });

  it('goes stale when no data arrives, drops the socket and recovers', async () => {
    const { clock, source, store, states, stream, exchangeAt } = setup({ stored: 20 });
    stream.start();
    await clock.advance(0);
    exchangeAt(20, 0.3);
    await clock.advance(0);
    const connection = source.connection;
    await clock.advance(30_000);
    expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
    await clock.advance(1);
    expect(stream.checkStale(clock.now(), 30_000)).toBe(true);
    await clock.advance(0);
    expect(source.connection).toBe(connection + 1);
    expect(stream.status.snapshot().lastError).toMatchObject({ kind: 'stale' });
    exchangeAt(21, 0.2);
    await clock.advance(0);
    expect(states).toEqual(['live', 'stale', 'reconnecting', 'backfilling', 'live']);
    expect(store.series(key)).toEqual(candles(0, 21));
    expect(store.gaps.at(-1)).toMatchObject({ reason: 'stale' });
  });

  describe('on an exchange silent while nothing trades, a silent stream is asked about over REST', () => {
    const silentFor31s = async () => {
      const t = setup({ stored: 20, pushesQuietIntervals: false });
      t.stream.start();
      await t.clock.advance(0);
      t.exchangeAt(20, 0.3);
      await t.clock.advance(0);
      const lastMessage = t.clock.now();
      await t.clock.advance(30_001);
      return { ...t, lastMessage };
    };

    it('a quiet market (REST shows no trade since) stays live and says since when it is quiet', async () => {
      const { clock, source, states, stream, exchangeAt, lastMessage } = await silentFor31s();
      const connection = source.connection;
      // the REST answer is awaited: nothing is decided in the tick itself
      expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      await clock.advance(0);
      expect(source.fetchLog.at(-1)).toMatchObject({ timeframe: '1m', since: candleAt(20)[0] });
      expect(stream.status.snapshot()).toMatchObject({
        state: 'live',
        quietSince: lastMessage,
        staleAfterMs: 30_000,
      });
      expect(source.connection).toBe(connection);
      // asked again only a threshold after the answer, not on every tick
      const asked = source.fetchLog.length;
      await clock.advance(1_000);
      expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      expect(source.fetchLog).toHaveLength(asked);
      // trades again: data flows and the note goes
      exchangeAt(20, 0.5);
      await clock.advance(0);
      expect(stream.status.snapshot()).toMatchObject({ state: 'live', quietSince: null });
      expect(states).not.toContain('stale');
    });

    it('a dead stream (REST shows trades it never delivered) goes stale and reconnects', async () => {
      const { clock, source, stream } = await silentFor31s();
      const connection = source.connection;
      // the forming candle traded on (more volume) without a push reaching us
      source.setRest('BTC/USDT', '1m', [...candles(0, 20), partial(candleAt(20), 0.6)]);
      expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      await clock.advance(0);
      expect(source.connection).toBe(connection + 1);
      expect(stream.status.snapshot().lastError).toMatchObject({
        kind: 'stale',
        message: expect.stringContaining('the exchange shows trades since'),
      });
      expect(stream.status.snapshot().quietSince).toBeNull();
    });

    it('when REST cannot answer, the silent stream is called stale, saying why', async () => {
      const { clock, source, stream } = await silentFor31s();
      source.failFetches.push(new MarketDataError('exchange-unavailable', '503 Service Unavailable'));
      expect(stream.checkStale(clock.now(), 30_000)).toBe(false);
      await clock.advance(0);
      expect(stream.status.snapshot().lastError).toMatchObject({
        kind: 'stale',
        message: expect.stringContaining('could not ask the exchange whether anything traded'),
      });
    });
  });

  it('survives a malformed frame (a TypeError from ccxt) and reads what the cache gathered meanwhile', async () => {
    const { clock, source, store, stream, exchangeAt } = setup({ stored: 20 });
    stream.start();
    await clock.advance(0);
    exchangeAt(20, 0.3);
    await clock.advance(0);
    source.failWatch('BTC/USDT', '1m', new TypeError("Cannot read properties of undefined (reading 'k')"));
    await clock.advance(0);
    expect(stream.status.snapshot()).toMatchObject({
      state: 'reconnecting',
      lastError: { kind: 'malformed' },
    });
    exchangeAt(20, 1);
    exchangeAt(21, 0.5);
    await clock.advance(500);
    exchangeAt(21, 0.6);
    await clock.advance(0);
    expect(store.series(key)).toEqual(candles(0, 21));
    expect(stream.status.state).toBe('live');
  });

  it('makes no REST call inside a Retry-After window and fills the gap after it', async () => {
    const { clock, source, store, stream, exchangeAt } = setup({ stored: 10 });
    source.rateLimitNextFetch(8_000);
    stream.start();
    await clock.advance(0);
    exchangeAt(20, 0.3);
    await clock.advance(7_999);
    expect(store.series(key)).toHaveLength(10);
    expect(stream.status.snapshot()).toMatchObject({
      state: 'backfilling',
      lastError: { kind: 'rate-limited' },
    });
    await clock.advance(1);
    expect(source.violations).toEqual([]);
    expect(store.series(key)).toEqual(candles(0, 20));
    expect(stream.status.state).toBe('live');
  });

  it('shows an unknown symbol as an error in plain words and keeps retrying at the longest delay', async () => {
    const { clock, stream } = setup({ symbol: 'BTC/USDX' });
    stream.start();
    await clock.advance(0);
    expect(stream.status.snapshot()).toMatchObject({
      state: 'error',
      lastError: { kind: 'bad-symbol', message: 'Scripted has no market "BTC/USDX"; did you mean BTC/USDT?' },
    });
    expect(clock.pendingDelays()).toEqual([30_000]);
  });

  it('unsubscribes when stopped', async () => {
    const { clock, source, stream, exchangeAt } = setup({ stored: 20 });
    stream.start();
    await clock.advance(0);
    exchangeAt(20, 0.3);
    await clock.advance(0);
    await stream.stop();
    expect(source.unwatched).toEqual(['BTC/USDT|1m']);
    expect(stream.status.state).toBe('stopped');
  });

  it('polls REST at a safe interval when the exchange has no websocket candles, closing each candle once', async () => {
    const { clock, source, store, states, stream } = setup({ stored: 18, websocket: false });
    source.setRest('BTC/USDT', '1m', [...candles(0, 20), partial(candleAt(20), 0.2)]);
    stream.start();
    await clock.advance(0);
    expect(states).toEqual(['backfilling', 'polling']);
    expect(store.series(key)).toEqual(candles(0, 20));
    source.setRest('BTC/USDT', '1m', [...candles(0, 21), partial(candleAt(21), 0.1)]);
    // A 1m candle is polled every 15 s: never more than a quarter period apart, never faster than 2 s.
    await clock.advance(14_999);
    expect(store.series(key)).toHaveLength(20);
    await clock.advance(1);
    expect(store.series(key)).toEqual(candles(0, 21));
    expect(store.violations).toEqual([]);
    expect(stream.status.snapshot()).toMatchObject({ state: 'polling', transport: 'rest-poll' });
  });
});
