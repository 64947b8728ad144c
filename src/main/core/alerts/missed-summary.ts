import type { Alert, MissedSummary } from '../../../shared/domain/alert';

export type MissedSummaryOptions = {
  /** the summary goes out once no missed alert arrived for this long */
  quietMs: number;
  /** …or at the latest this long after the first one, however long the backfill runs */
  maxWaitMs: number;
  flush(summary: MissedSummary): void;
};

const TOP_SYMBOLS = 10;
const NEWEST = 20;

/**
 * Gathers the alerts computed from backfilled candles into one summary. A resume backfills every
 * stream one after the other, so the missed alerts of one absence arrive over seconds, in many
 * updates: they are held until the backfill goes quiet, then told once.
 */
export class MissedCollector {
  private pending: Alert[] = [];
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  private maxTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: MissedSummaryOptions) {}

  add(alert: Alert): void {
    this.pending.push(alert);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flush(), this.opts.quietMs);
    this.maxTimer ??= setTimeout(() => this.flush(), this.opts.maxWaitMs);
  }

  /** Sends what is pending now (also at shutdown, so nothing held is lost). */
  flush(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.quietTimer = this.maxTimer = undefined;
    const alerts = this.pending;
    this.pending = [];
    if (alerts.length > 0) this.opts.flush(summarize(alerts));
  }
}

export function summarize(alerts: readonly Alert[]): MissedSummary {
  const bySignal = { BUY: 0, SELL: 0, INFO: 0 };
  const bySymbol = new Map<string, { exchange: string; symbol: string; count: number }>();
  let from = Infinity;
  let to = -Infinity;
  for (const a of alerts) {
    bySignal[a.signal]++;
    const k = `${a.exchange}|${a.symbol}`;
    const entry = bySymbol.get(k) ?? { exchange: a.exchange, symbol: a.symbol, count: 0 };
    entry.count++;
    bySymbol.set(k, entry);
    from = Math.min(from, a.candleTime);
    to = Math.max(to, a.candleTime);
  }
  return {
    count: alerts.length,
    from,
    to,
    bySignal,
    bySymbol: [...bySymbol.values()].sort((a, b) => b.count - a.count).slice(0, TOP_SYMBOLS),
    alerts: [...alerts].sort((a, b) => b.candleTime - a.candleTime || b.id - a.id).slice(0, NEWEST),
  };
}
