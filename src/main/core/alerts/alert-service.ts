import type {
  Alert,
  AlertCounts,
  AlertFilter,
  AlertStatus,
  AlertStatusChange,
} from '../../../shared/domain/alert';
import { CLOSE } from '../../../shared/domain/market';
import type { EventHub } from '../events';
import type { Logger } from '../base/log';
import type { AlertDelivery } from '../notify/ports';
import type { AlertDraft, AlertRepository } from '../store/alert-repository';
import type { RuleRepository } from '../store/rule-repository';
import { alertMessage } from './message-template';
import { MissedCollector } from './missed-summary';
import type { Firing } from './rule-engine';

export type AlertServiceOptions = {
  alerts: AlertRepository;
  rules: RuleRepository;
  events: EventHub;
  delivery: AlertDelivery;
  log: Logger;
  now(): number;
  /** missed alerts are summarised once the backfill is quiet this long (default 3 s) */
  missedQuietMs?: number;
  /** …or at the latest this long after the first (default 30 s) */
  missedMaxWaitMs?: number;
  /**
   * Several collectors sharing a database (core/cluster): called once the alert is stored locally and
   * before any channel; false means another node already recorded this firing, so it is not told again.
   */
  claim?: (alert: Alert) => Promise<boolean>;
};

/** Ids listed in `alerts:status-changed`; beyond this the UI simply reloads. */
const MAX_EVENT_IDS = 1_000;

export function draftOf(f: Firing, firedAt: number): AlertDraft {
  const { rule } = f.rule;
  const values: Record<string, number> = {};
  // JSON has no Infinity/NaN: a ratio over a zero average is left out rather than stored as null.
  for (const [k, v] of Object.entries(f.explanation.values)) if (Number.isFinite(v)) values[k] = v;
  return {
    kind: 'rule',
    ruleId: f.rule.id,
    ruleName: rule.name,
    signal: rule.signal,
    exchange: f.key.exchange,
    symbol: f.key.symbol,
    timeframe: f.key.timeframe,
    candleTime: f.candle[0],
    price: f.candle[CLOSE],
    values,
    strength: f.explanation.strength,
    strengthBasis: f.explanation.basis,
    message: alertMessage(f),
    firedAt,
    status: f.missed ? 'missed' : 'active',
    urgent: rule.urgent,
    expiresAt: rule.alertExpiryMinutes === null ? null : firedAt + rule.alertExpiryMinutes * 60_000,
  };
}

/**
 * The alert lifecycle. A firing is written to SQLite (with the rule's per-series state, in one
 * transaction) before any channel hears of it; a duplicate is refused by the database's unique
 * key and told to nobody. Missed alerts are held and summarised once.
 */
export class AlertService {
  private readonly missed: MissedCollector;

  constructor(private readonly opts: AlertServiceOptions) {
    this.missed = new MissedCollector({
      quietMs: opts.missedQuietMs ?? 3_000,
      maxWaitMs: opts.missedMaxWaitMs ?? 30_000,
      flush: (summary) => {
        opts.events.emit('alerts:missed-summary', summary);
        opts.delivery.deliverMissed(summary);
      },
    });
  }

  /** Stores a firing; returns the alert, or null when that rule already fired on that candle. */
  record(f: Firing): Alert | null {
    const draft = draftOf(f, this.opts.now());
    const alert = this.opts.alerts.insert(
      draft,
      f.missed ? 'computed from backfilled candles' : 'fired',
      () => this.opts.rules.saveState(f.rule.id, f.key, f.state),
    );
    if (!alert) {
      // Already stored (a replay of a candle that fired before): the state the engine now holds
      // must still be what a restart reads back.
      this.opts.rules.saveState(f.rule.id, f.key, f.state);
      return null;
    }
    const route = () => {
      if (alert.status === 'missed') this.missed.add(alert);
      else this.opts.delivery.deliver(alert, { sound: f.rule.rule.sound });
    };
    if (!this.opts.claim) route();
    else
      void this.opts.claim(alert).then(
        (first) => first && route(),
        (err: unknown) => {
          // Better told twice than never: without the shared record the alert is still delivered.
          this.opts.log.error('could not record the alert in the shared store; delivering it anyway', {
            error: err,
          });
          route();
        },
      );
    return alert;
  }

  list(filter: AlertFilter, limit: number, beforeId?: number): { alerts: Alert[]; hasMore: boolean } {
    const rows = this.opts.alerts.list(filter, limit + 1, beforeId);
    return { alerts: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  get(id: number): { alert: Alert; history: AlertStatusChange[] } | undefined {
    const alert = this.opts.alerts.get(id);
    return alert && { alert, history: this.opts.alerts.history(id) };
  }

  counts(filter: AlertFilter): AlertCounts {
    return this.opts.alerts.counts(filter);
  }

  /** Dismisses the given alerts that are active or missed; returns how many changed. */
  dismiss(ids: readonly number[]): number {
    return this.transition({ ids }, ['active', 'missed'], 'dismissed', 'user');
  }

  dismissAll(filter: AlertFilter): number {
    return this.transition(filter, ['active', 'missed'], 'dismissed', 'user');
  }

  /** The rule's active alerts become expired (its expiry passed). */
  expireRule(ruleId: number): number {
    return this.transition({ ruleId }, ['active'], 'expired', 'rule expired');
  }

  /**
   * Expires at most `limit` active alerts whose time is up (their rule's `alertExpiryMinutes`, else
   * `afterMs` after firing; null: never); returns how many.
   */
  expireDue(afterMs: number | null, limit: number): number {
    const ids = this.opts.alerts.dueToExpire(this.opts.now(), afterMs, limit);
    return ids.length === 0 ? 0 : this.transition({ ids }, ['active'], 'expired', 'timed out');
  }

  /** Sends a pending missed-alerts summary now (shutdown). */
  flush(): void {
    this.missed.flush();
  }

  private transition(
    filter: AlertFilter & { ids?: readonly number[] },
    from: readonly AlertStatus[],
    to: AlertStatus,
    reason: string,
  ): number {
    const ids = this.opts.alerts.transition(filter, from, to, this.opts.now(), reason);
    if (ids.length > 0)
      this.opts.events.emit('alerts:status-changed', {
        status: to,
        count: ids.length,
        ids: ids.length <= MAX_EVENT_IDS ? ids : null,
      });
    return ids.length;
  }
}
