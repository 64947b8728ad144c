import type { Alert, MissedSummary } from '../../../shared/domain/alert';
import type {
  ChannelName,
  ChannelResult,
  ChannelStatus,
  NotificationSettings,
} from '../../../shared/domain/notifications';
import type { Logger } from '../base/log';
import type { Channel, DeliveryOptions, Outgoing, SendOutcome } from './channel';
import type { AlertDelivery } from './ports';

export type DispatcherOptions = {
  channels: readonly Channel[];
  prefs(): NotificationSettings;
  now(): number;
  log: Logger;
  /** sends still running per channel beyond which new ones are skipped (a dead endpoint piling up) */
  maxInFlight?: number;
};

/**
 * Fans each stored alert out to every enabled channel. Each channel runs on its own promise and
 * `deliver` returns at once: a slow or failing channel (a webhook that hangs) delays nobody, not
 * the other channels and not the rule engine. Each channel's last result is kept for Settings.
 */
export class NotifyDispatcher implements AlertDelivery {
  private readonly last = new Map<ChannelName, ChannelResult>();
  private readonly inFlight = new Map<ChannelName, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.maxInFlight = opts.maxInFlight ?? 32;
  }

  /** A stored alert (of a rule or a fill) to every enabled channel. */
  deliver(alert: Alert, options: DeliveryOptions = {}): void {
    this.fanOut({ kind: 'alert', alert, sound: options.sound ?? null }, alert.id, undefined);
  }

  deliverMissed(summary: MissedSummary): void {
    this.fanOut({ kind: 'missed', summary }, null, undefined);
  }

  /** Sends a test through one channel (even if disabled) or all enabled ones, and waits for the results. */
  async test(channel?: ChannelName): Promise<ChannelStatus[]> {
    await Promise.all(this.fanOut({ kind: 'test', at: this.opts.now() }, null, channel));
    return this.status().filter((s) => channel === undefined || s.channel === channel);
  }

  status(): ChannelStatus[] {
    const prefs = this.opts.prefs();
    return this.opts.channels.map((c) => ({
      channel: c.name,
      enabled: c.enabled(prefs),
      problem: c.problem(prefs),
      pending: this.inFlight.get(c.name) ?? 0,
      last: this.last.get(c.name) ?? null,
    }));
  }

  /** Resolves when every send started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private fanOut(message: Outgoing, alertId: number | null, only: ChannelName | undefined): Promise<void>[] {
    const prefs = this.opts.prefs();
    const started: Promise<void>[] = [];
    for (const channel of this.opts.channels) {
      if (only !== undefined ? channel.name !== only : !channel.enabled(prefs)) continue;
      const problem = channel.problem(prefs);
      if (problem) {
        this.record(channel.name, alertId, { ok: false, attempts: 0, detail: `not sent: ${problem}` });
        continue;
      }
      const busy = this.inFlight.get(channel.name) ?? 0;
      if (busy >= this.maxInFlight) {
        this.record(channel.name, alertId, {
          ok: false,
          attempts: 0,
          detail: `skipped: ${busy} earlier sends still waiting on this channel`,
        });
        continue;
      }
      this.inFlight.set(channel.name, busy + 1);
      // Promise.resolve().then: a channel that throws synchronously still cannot reach the caller.
      const run = Promise.resolve()
        .then(() => channel.send(message, prefs))
        .then(
          (outcome) => {
            if (outcome) this.record(channel.name, alertId, outcome);
          },
          (err: unknown) => {
            this.record(channel.name, alertId, {
              ok: false,
              attempts: 1,
              detail: `failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
            });
          },
        )
        .finally(() => {
          this.inFlight.set(channel.name, (this.inFlight.get(channel.name) ?? 1) - 1);
          this.running.delete(run);
        });
      this.running.add(run);
      started.push(run);
    }
    return started;
  }

  private record(channel: ChannelName, alertId: number | null, outcome: SendOutcome): void {
    const { cause, ...shown } = outcome;
    this.last.set(channel, { ...shown, alertId, at: this.opts.now() });
    if (!outcome.ok)
      this.opts.log.warn(`${channel} delivery failed`, { alertId, detail: cause ?? outcome.detail });
  }
}
