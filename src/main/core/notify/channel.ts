import type { Alert, MissedSummary } from '../../../shared/domain/alert';
import type { ChannelName, NotificationSettings, SoundId } from '../../../shared/domain/notifications';

/** A bundled sound, 'none' to stay silent, or null for the sound of the alert's direction (or urgency). */
export type SoundChoice = SoundId | 'none' | null;

/** How one alert is delivered beyond what it says itself. */
export type DeliveryOptions = {
  /** the rule's own sound choice (default null: a fill or a rule without one) */
  sound?: SoundChoice;
};

/** What the dispatcher hands a channel: a live alert, the summary of missed ones, or a test. */
export type Outgoing =
  | { kind: 'alert'; alert: Alert; sound: SoundChoice }
  | { kind: 'missed'; summary: MissedSummary }
  | { kind: 'test'; at: number };

/** `detail` is what clients see; `cause`, when given, only goes to the log. */
export type SendOutcome = { ok: boolean; attempts: number; detail: string; cause?: string };

export interface Channel {
  readonly name: ChannelName;
  /** whether the user turned it on */
  enabled(prefs: NotificationSettings): boolean;
  /** why it cannot send although enabled (no URL, no token); null when ready */
  problem(prefs: NotificationSettings): string | null;
  /** resolves with what happened, or null when this kind of message is not for this channel */
  send(message: Outgoing, prefs: NotificationSettings): Promise<SendOutcome | null>;
}

/** "BUY BTC/USDT 1m · BTC above 100k"; a fill has no timeframe: "INFO SOL/USDT · Order filled". */
export const alertTitle = (a: Alert): string =>
  `${[a.signal, a.symbol, a.timeframe].filter((part) => part !== '').join(' ')} · ${a.ruleName}`;

export const alertBody = (a: Alert): string =>
  `${a.message} · ${a.exchange} · strength ${Math.round(a.strength * 100)}%`;

/** One notification's worth of words for a summary. */
export function summaryText(s: MissedSummary): { title: string; body: string } {
  const signals = (['BUY', 'SELL', 'INFO'] as const)
    .filter((k) => s.bySignal[k] > 0)
    .map((k) => `${s.bySignal[k]} ${k}`)
    .join(', ');
  const symbols = s.bySymbol.map((x) => `${x.symbol} ×${x.count}`).join(' · ');
  const span = `${new Date(s.from).toISOString().slice(0, 16)}Z → ${new Date(s.to).toISOString().slice(0, 16)}Z`;
  return {
    title: `${s.count} alert${s.count === 1 ? '' : 's'} while you were away`,
    body: `${signals}. ${symbols}. Candles ${span}.`,
  };
}

/** Plain text of any message, for chat-like channels. */
export function messageText(m: Outgoing): string {
  switch (m.kind) {
    case 'alert': {
      const a = m.alert;
      return [
        alertTitle(a),
        a.message,
        `price ${a.price} · candle ${new Date(a.candleTime).toISOString()} · ${a.exchange}`,
        `strength ${Math.round(a.strength * 100)}%${a.urgent ? ' · URGENT' : ''}`,
      ].join('\n');
    }
    case 'missed': {
      const t = summaryText(m.summary);
      return `${t.title}\n${t.body}`;
    }
    case 'test':
      return `Candlewatch test message (${new Date(m.at).toISOString()}): this channel works.`;
  }
}
