import type { AccountFill } from '../../../shared/contract/methods/account';
import type { Alert } from '../../../shared/domain/alert';
import type { Logger } from '../base/log';
import type { AccountRepository, FillDraft } from '../store/account-repository';
import type { AlertDraft, AlertRepository } from '../store/alert-repository';
import type { TradeRow } from './account-client';

/**
 * The notify dispatcher, as fills use it: the same channels and preferences as rule alerts, with
 * the sound of an INFO alert (a fill has no rule to choose another).
 */
export type FillDelivery = { deliver(alert: Alert): void };

export type FillRecorderOptions = {
  repo: AccountRepository;
  alerts: AlertRepository;
  delivery: FillDelivery;
  /** a fill was stored (the contract event `account:filled`) */
  onFill(fill: AccountFill): void;
  now(): number;
  log: Logger;
};

export const FILL_ALERT_NAME = 'Order filled';

const amountText = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 8 });

/** "Bought 0.25 ETH at 2,990 USDT (order 3)". */
export function fillMessage(
  f: Pick<FillDraft, 'side' | 'symbol' | 'amount' | 'price' | 'orderId' | 'fee'>,
): string {
  const [base = f.symbol, quoteAndSettle = ''] = f.symbol.split('/');
  const quote = quoteAndSettle.split(':')[0] ?? '';
  const parts = [
    `${f.side === 'buy' ? 'Bought' : 'Sold'} ${amountText(f.amount)} ${base} at ${amountText(f.price)} ${quote}`.trim(),
  ];
  if (f.fee) parts.push(`fee ${amountText(f.fee.cost)} ${f.fee.currency}`);
  if (f.orderId) parts.push(`order ${f.orderId}`);
  return parts.length > 1 ? `${parts[0]} (${parts.slice(1).join(', ')})` : parts[0]!;
}

function alertDraft(f: FillDraft, firedAt: number): AlertDraft {
  const values: Record<string, number> = { amount: f.amount, price: f.price };
  if (f.cost !== null) values['cost'] = f.cost;
  if (f.fee) values[`fee (${f.fee.currency})`] = f.fee.cost;
  return {
    kind: 'fill',
    ruleId: null,
    ruleName: FILL_ALERT_NAME,
    signal: 'INFO',
    exchange: f.exchange,
    symbol: f.symbol,
    // A fill belongs to no timeframe.
    timeframe: '',
    candleTime: f.time,
    price: f.price,
    values,
    strength: 1,
    strengthBasis: 'an executed trade of your account',
    message: fillMessage(f),
    firedAt,
    status: 'active',
    urgent: false,
  };
}

/**
 * Every fill, whichever way it arrives (stream, REST catch-up after a reconnect, a restart), is
 * stored once by its trade id together with its INFO alert of kind 'fill', in one transaction, and
 * only then told to the channels: a fill is notified exactly once. Fills older than the day the
 * account was connected are kept for the list but never notified.
 */
export class FillRecorder {
  constructor(private readonly opts: FillRecorderOptions) {}

  record(
    exchange: string,
    trade: TradeRow,
    source: 'stream' | 'catch-up',
    baselineAt: number,
  ): AccountFill | null {
    const now = this.opts.now();
    const old = trade.time < baselineAt;
    const draft: FillDraft = { exchange, ...trade, receivedAt: now, source: old ? 'baseline' : source };
    const written: { alert: Alert | null } = { alert: null };
    const stored = this.opts.repo.recordFill(draft, () => {
      if (old) return null;
      written.alert = this.opts.alerts.insert(
        alertDraft(draft, now),
        source === 'stream' ? 'fill' : 'fill found after a reconnect',
      );
      return written.alert?.id ?? null;
    });
    if (!stored) return null;
    this.opts.log.info('fill recorded', {
      exchange,
      symbol: stored.symbol,
      tradeId: stored.tradeId,
      source: stored.source,
    });
    this.opts.onFill(stored);
    if (written.alert) this.opts.delivery.deliver(written.alert);
    return stored;
  }
}
