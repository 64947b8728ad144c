import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SeriesKey } from '../../../src/shared/domain/market';
import { ruleSchema } from '../../../src/shared/domain/rule';
import { BTC, MIN, T0, bars } from '../../unit/alerts/harness';
import { SignalsFixture } from './signals-fixture';

let fx: SignalsFixture;
afterEach(async () => {
  await fx?.dispose();
});

const ETH: SeriesKey = { ...BTC, symbol: 'ETH/USDT' };
const watchItem = (k: SeriesKey) => ({ exchange: k.exchange, symbol: k.symbol, timeframes: [k.timeframe] });
const crossRule = (over: Record<string, unknown> = {}) =>
  ruleSchema.parse({
    name: 'above 100',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    when: { type: 'price-cross', direction: 'above', level: 100 },
    signal: 'BUY',
    ...over,
  });
// crosses above 100 at 2 and at 10
const WARMUP = [99, 99, 101, 102, 101, 99, 98, 97, 98, 99, 101, 102];

/**
 * Waits for the missed summaries a step must produce (its quiet time passed) and for every channel.
 * With none expected there is nothing to wait for: the alert rows show no missed alert held.
 */
async function settle(summaries = 0): Promise<void> {
  await vi.waitFor(() => expect(fx.heardOf('alerts:missed-summary')).toHaveLength(summaries), {
    timeout: 10_000,
  });
  await fx.signals.dispatcher.idle();
}

describe('alerts at start-up', () => {
  it('a config rule on a new series: warm-up history stays silent, a candle closing after the seeding is told live', async () => {
    const start = T0 + 10 * MIN + 5_000;
    fx = new SignalsFixture({ configRules: [crossRule()] }, { watchlist: [watchItem(BTC)] }, start);
    fx.now = T0 + 12 * MIN + 2_000;
    fx.signals.onCandles({ key: BTC, closed: bars(WARMUP), forming: null, origin: 'backfill' });
    await settle();
    expect(fx.alertRows()).toEqual([{ rule_id: 1, candle_time: T0 + 10 * MIN, status: 'active' }]);
    expect(fx.heardOf('alert:fired')).toHaveLength(1);
    expect(fx.heardOf('alerts:missed-summary')).toEqual([]);

    // Restarted later with those candles stored: the series was watched, so what closed while the
    // app was down is a gap, missed and summarised.
    fx.storeCandles(BTC, bars(WARMUP));
    fx.now = T0 + 20 * MIN;
    await fx.restart();
    fx.signals.onCandles({ key: BTC, closed: bars([99, 101], 12), forming: null, origin: 'backfill' });
    await settle(1);
    expect(fx.alertRows().map((r) => [(r.candle_time - T0) / MIN, r.status])).toEqual([
      [10, 'active'],
      [13, 'missed'],
    ]);
    expect(fx.heardOf('alerts:missed-summary')).toEqual([expect.objectContaining({ count: 1 })]);
  });

  it('a symbol added to the watchlist: a watchlist rule ignores its warm-up, then fires on it live', async () => {
    fx = new SignalsFixture({}, { watchlist: [watchItem(BTC)] });
    fx.signals.rules.create(crossRule({ symbol: undefined, watchlist: true }));
    fx.now = T0 + 12 * MIN + 1_000;
    fx.setSettings({ watchlist: [watchItem(BTC), watchItem(ETH)] });
    fx.now += 2_000;
    fx.signals.onCandles({ key: ETH, closed: bars(WARMUP), forming: null, origin: 'backfill' });
    fx.now = T0 + 14 * MIN;
    fx.signals.onCandles({ key: ETH, closed: bars([99, 105], 12), forming: null, origin: 'live' });
    await settle();
    expect(fx.alertRows()).toEqual([{ rule_id: 1, candle_time: T0 + 13 * MIN, status: 'active' }]);
    expect(fx.heardOf('alerts:missed-summary')).toEqual([]);
  });
});
