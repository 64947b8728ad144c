import { describe, expect, it } from 'vitest';
import type { CandlesUpdated } from '../../../src/shared/contract/methods/market';
import type { Candle } from '../../../src/shared/domain/market';
import { EventHub } from '../../../src/main/core/events';
import { CandleEventCoalescer } from '../../../src/main/core/feed/candle-events';
import { FakeClock } from '../../support/fake-clock';

const BTC = { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1m' };
const ETH = { ...BTC, symbol: 'ETH/USDT' };
const bar = (t: number): Candle => [t, 1, 2, 0.5, 1.5, 10];

describe('CandleEventCoalescer', () => {
  it('sends one merged event per series per frame, keeping every closed candle', async () => {
    const clock = new FakeClock();
    const hub = new EventHub();
    const heard: CandlesUpdated[] = [];
    hub.subscribe((event, payload) => event === 'candles:updated' && heard.push(payload as CandlesUpdated));
    const c = new CandleEventCoalescer(hub, clock);
    c.push({ key: BTC, closed: [bar(0)], forming: bar(60_000), origin: 'live' });
    c.push({ key: BTC, closed: [bar(60_000)], forming: null, origin: 'backfill' });
    c.push({ key: ETH, closed: [], forming: bar(0), origin: 'live' });
    expect(heard).toEqual([]);
    await clock.advance(16);
    expect(heard).toEqual([
      { series: BTC, closed: [bar(0), bar(60_000)], forming: null, origin: 'backfill' },
      { series: ETH, closed: [], forming: bar(0), origin: 'live' },
    ]);
  });

  it('sends what is pending when it closes', () => {
    const hub = new EventHub();
    const heard: unknown[] = [];
    hub.subscribe((_event, payload) => heard.push(payload));
    const c = new CandleEventCoalescer(hub, new FakeClock());
    c.push({ key: BTC, closed: [bar(0)], forming: null, origin: 'live' });
    c.close();
    expect(heard).toHaveLength(1);
  });
});
