import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MissedCollector } from '../../../src/main/core/alerts/missed-summary';
import { summaryText } from '../../../src/main/core/notify/channel';
import type { Alert, MissedSummary } from '../../../src/shared/domain/alert';

const missed = (id: number, symbol: string, signal: Alert['signal'], candleTime: number): Alert => ({
  id,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'r',
  signal,
  exchange: 'binance',
  symbol,
  timeframe: '1m',
  candleTime,
  price: 1,
  values: {},
  strength: 0,
  strengthBasis: '',
  message: '',
  firedAt: 0,
  status: 'missed',
  statusAt: 0,
  urgent: false,
});

describe('missed-alerts summary', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for the backfill to go quiet, then tells everything once', () => {
    const sent: MissedSummary[] = [];
    const c = new MissedCollector({ quietMs: 1_000, maxWaitMs: 30_000, flush: (s) => sent.push(s) });
    c.add(missed(1, 'BTC/USDT', 'BUY', 60_000));
    vi.advanceTimersByTime(900);
    c.add(missed(2, 'ETH/USDT', 'SELL', 120_000));
    c.add(missed(3, 'BTC/USDT', 'BUY', 180_000));
    vi.advanceTimersByTime(900);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      count: 3,
      from: 60_000,
      to: 180_000,
      bySignal: { BUY: 2, SELL: 1, INFO: 0 },
      bySymbol: [
        { symbol: 'BTC/USDT', count: 2 },
        { symbol: 'ETH/USDT', count: 1 },
      ],
    });
    expect(sent[0]!.alerts.map((a) => a.id)).toEqual([3, 2, 1]);
    expect(summaryText(sent[0]!).title).toBe('3 alerts while you were away');
  });

  it('does not wait forever behind a backfill that keeps trickling', () => {
    const sent: MissedSummary[] = [];
    const c = new MissedCollector({ quietMs: 1_000, maxWaitMs: 5_000, flush: (s) => sent.push(s) });
    for (let i = 0; i < 10; i++) {
      c.add(missed(i, 'BTC/USDT', 'INFO', i));
      vi.advanceTimersByTime(600);
    }
    expect(sent.map((s) => s.count)).toEqual([9]);
    vi.advanceTimersByTime(1_000);
    expect(sent.map((s) => s.count)).toEqual([9, 1]);
  });

  it('flush sends what is held now (shutdown) and nothing when empty', () => {
    const sent: MissedSummary[] = [];
    const c = new MissedCollector({ quietMs: 1_000, maxWaitMs: 5_000, flush: (s) => sent.push(s) });
    c.flush();
    c.add(missed(1, 'BTC/USDT', 'INFO', 0));
    c.flush();
    vi.advanceTimersByTime(10_000);
    expect(sent.map((s) => s.count)).toEqual([1]);
  });
});
