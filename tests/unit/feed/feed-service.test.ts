import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import { ExchangeRegistry } from '../../../src/main/core/exchange/exchange-registry';
import { SimSource } from '../../../src/main/core/exchange/sim/sim-source';
import { FeedService } from '../../../src/main/core/feed/feed-service';
import { silentLogger } from '../../../src/main/core/base/log';
import { FakeClock } from '../../support/fake-clock';
import { MemoryCandles } from '../../support/memory-candles';

const H = Date.UTC(2026, 0, 5, 12, 0, 0);

function setup() {
  const clock = new FakeClock(H + 500);
  const log = silentLogger();
  const store = new MemoryCandles();
  const states: StreamInfo[] = [];
  const jumps: number[] = [];
  const feed = new FeedService({
    registry: new ExchangeRegistry({ clock, log }),
    history: store,
    gaps: store,
    log,
    clock,
    random: () => 0.5,
    warmupCandles: 5,
    onClockJump: (ms) => jumps.push(ms),
  });
  feed.onCandles(store.write);
  feed.onState((s) => states.push(s));
  const settings = (patch: Partial<Settings>): Settings => ({ ...defaultSettings(), ...patch });
  return { clock, store, states, feed, settings, jumps };
}

const ids = (feed: FeedService) => feed.list().map((s) => `${s.id} ${s.state}`);

describe('FeedService', () => {
  it('runs the simulator on BTC, ETH and SOL 1m when nothing is configured', async () => {
    const { clock, feed, store, settings } = setup();
    await feed.applySettings(settings({}));
    await clock.advance(1_000);
    expect(ids(feed)).toEqual([
      'sim|BTC/USDT|1m live',
      'sim|BTC/USDT|ticker live',
      'sim|ETH/USDT|1m live',
      'sim|ETH/USDT|ticker live',
      'sim|SOL/USDT|1m live',
      'sim|SOL/USDT|ticker live',
    ]);
    expect(store.series({ exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1m' })).toHaveLength(5);
    expect(
      feed
        .tickers()
        .map((t) => t.symbol)
        .sort(),
    ).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    await feed.stop();
  });

  it('subscribes and unsubscribes at run time as the watchlist changes, leaving other streams alone', async () => {
    const { clock, feed, settings } = setup();
    const watch = (symbol: string, timeframes: string[]) => ({ exchange: 'sim', symbol, timeframes });
    await feed.applySettings(settings({ watchlist: [watch('BTC/USDT', ['1m']), watch('ETH/USDT', ['5m'])] }));
    await clock.advance(1_000);
    const btc = feed.list().find((s) => s.id === 'sim|BTC/USDT|1m')!;
    await feed.applySettings(settings({ watchlist: [watch('BTC/USDT', ['1m', '1d'])] }));
    await clock.advance(1_000);
    expect(ids(feed)).toEqual(['sim|BTC/USDT|1d live', 'sim|BTC/USDT|1m live', 'sim|BTC/USDT|ticker live']);
    const after = feed.list();
    expect(after.find((s) => s.id === 'sim|BTC/USDT|1d')!.transport).toBe('aggregated');
    // The BTC 1m stream kept running: same counters, no reconnect.
    expect(after.find((s) => s.id === 'sim|BTC/USDT|1m')).toMatchObject({
      reconnects: 0,
      stateSince: btc.stateSince,
    });
    await feed.stop();
  });

  it('builds a timeframe the exchange does not serve from its 1m candles, exactly', async () => {
    const { clock, feed, store, settings } = setup();
    clock.jump(Date.UTC(2026, 0, 6, 4, 0, 30) - clock.now());
    await feed.applySettings(
      settings({ watchlist: [{ exchange: 'sim', symbol: 'SOL/USDT', timeframes: ['6h'] }] }),
    );
    await clock.advance(2_000);
    expect(feed.list().find((s) => s.id === 'sim|SOL/USDT|6h')).toMatchObject({
      state: 'live',
      transport: 'aggregated',
    });
    const sixHours = store.series({ exchange: 'sim', symbol: 'SOL/USDT', timeframe: '6h' });
    expect(sixHours.length).toBeGreaterThanOrEqual(3);
    const sim = new SimSource({}, clock);
    for (const c of sixHours) {
      const hours = await sim.fetchCandles('SOL/USDT', '1h', c[0], 6);
      expect(c.slice(0, 5)).toEqual([
        c[0],
        hours[0]![1],
        Math.max(...hours.map((h) => h[2])),
        Math.min(...hours.map((h) => h[3])),
        hours[5]![4],
      ]);
      expect(c[5]).toBeCloseTo(
        hours.reduce((sum, h) => sum + h[5], 0),
        3,
      );
    }
    await feed.stop();
  });

  it('shows what cannot run as an error in plain words instead of dropping it', async () => {
    const { clock, feed, settings } = setup();
    await feed.applySettings(
      settings({
        exchanges: { binanse: { enabled: true, sandbox: false, ccxt: {} } },
        watchlist: [
          { exchange: 'binanse', symbol: 'BTC/USDT', timeframes: ['1m'] },
          { exchange: 'sim', symbol: 'BTC/USDT', timeframes: ['1w'] },
          { exchange: 'sim', symbol: 'PEPE/USDT', timeframes: ['1m'] },
        ],
      }),
    );
    await clock.advance(1_000);
    const byId = new Map(feed.list().map((s) => [s.id, s]));
    expect(byId.get('binanse|BTC/USDT|1m')).toMatchObject({
      state: 'error',
      lastError: { message: expect.stringContaining('"binanse" is not an exchange ccxt knows') },
    });
    expect(byId.get('sim|BTC/USDT|1w')).toMatchObject({
      state: 'error',
      lastError: { kind: 'bad-timeframe', message: expect.stringContaining('has no 1w candles') },
    });
    expect(byId.get('sim|PEPE/USDT|1m')).toMatchObject({
      state: 'error',
      lastError: { kind: 'bad-symbol', message: expect.stringContaining('has no market "PEPE/USDT"') },
    });
    await feed.stop();
  });

  it('reconnects and backfills every stream when the machine wakes up', async () => {
    const { clock, feed, store, settings } = setup();
    await feed.applySettings(
      settings({ watchlist: [{ exchange: 'sim', symbol: 'ETH/USDT', timeframes: ['1m'] }] }),
    );
    await clock.advance(2_000);
    const key = { exchange: 'sim', symbol: 'ETH/USDT', timeframe: '1m' };
    const before = store.series(key).length;
    // Ten minutes asleep: no timer fired meanwhile, then powerMonitor reports the resume.
    clock.jump(10 * 60_000);
    feed.resumed();
    await clock.advance(1_000);
    await clock.advance(1_000);
    expect(store.gaps).toMatchObject([{ reason: 'resume', symbol: 'ETH/USDT', expected: 10, filled: 10 }]);
    expect(store.series(key).length).toBe(before + 10);
    expect(store.violations).toEqual([]);
    expect(feed.list().find((s) => s.id === 'sim|ETH/USDT|1m')).toMatchObject({
      state: 'live',
      reconnects: 1,
    });
    await feed.stop();
  });

  it('takes a tick that is late on a starved process (both clocks moved) for no sleep', async () => {
    const { clock, feed, settings, jumps } = setup();
    await feed.applySettings(settings({}));
    await clock.advance(3_000);
    clock.stall(60_000);
    await clock.advance(1_000);
    expect(jumps).toEqual([]);
    await feed.stop();
  });

  it('calls nothing stale on a tick that comes late on a starved process: the data waits unread', async () => {
    const { clock, feed, settings, states } = setup();
    await feed.applySettings(settings({}));
    await clock.advance(3_000);
    // Half a second on, the feed's tick falls due before the simulator's next trade: after the stall
    // the late tick runs first, as Node runs due timers before it reads the sockets.
    await clock.advance(700);
    // 40 s without a timer or a socket read, past the 30 s stale threshold, then one late tick
    clock.stall(40_000);
    await clock.advance(1_000);
    await clock.advance(1_000);
    expect(states.filter((s) => s.state === 'stale')).toEqual([]);
    expect(new Set(feed.list().map((s) => s.state))).toEqual(new Set(['live']));
    await feed.stop();
  });

  it('detects sleep in headless mode from a watchdog tick that fires far too late', async () => {
    const { clock, feed, settings, jumps } = setup();
    await feed.applySettings(settings({}));
    await clock.advance(3_000);
    expect(jumps).toEqual([]);
    clock.jump(60_000);
    await clock.advance(1_000);
    expect(jumps).toHaveLength(1);
    expect(jumps[0]).toBeGreaterThanOrEqual(59_000);
    await feed.stop();
  });
});
