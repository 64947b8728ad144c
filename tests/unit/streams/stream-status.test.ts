import { describe, expect, it } from 'vitest';
import { StreamStatus } from '../../../src/main/core/streams/stream-status';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import { FakeClock } from '../../support/fake-clock';

const identity = {
  id: 'binance|BTC/USDT|1m',
  kind: 'candles' as const,
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  transport: 'websocket' as const,
};

describe('StreamStatus', () => {
  it('tells a failure while already failing, and a first failure with the state that follows it', () => {
    const clock = new FakeClock(1_000);
    const told: StreamInfo[] = [];
    const status = new StreamStatus(identity, clock, (info) => told.push(info));
    status.error({ kind: 'network', message: 'connect ECONNREFUSED', at: 1_000 });
    expect(told).toEqual([]);
    status.set('reconnecting');
    expect(told.map((t) => [t.state, t.lastError?.at])).toEqual([['reconnecting', 1_000]]);
    // The retry fails again: same state, newer error, and the UI hears of it.
    status.error({ kind: 'network', message: 'connect ECONNREFUSED', at: 2_000 });
    expect(told.map((t) => [t.state, t.lastError?.at])).toEqual([
      ['reconnecting', 1_000],
      ['reconnecting', 2_000],
    ]);
  });
});
