import type { ContractApi } from '../../shared/contract';
import type { RuleView } from '../../shared/contract/methods/signals';
import type { RuleInput } from '../../shared/domain/rule';
import { formatPrice } from '../format/numbers';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A line above the last price waits for the price to rise to it; one below, to fall to it. */
export const crossDirection = (level: number, lastClose: number): 'above' | 'below' =>
  Number.isFinite(lastClose) && level < lastClose ? 'below' : 'above';

/** "BTC/USDT above 96,000.00", or "… (2)" when that name is taken (rule names are unique). */
export function priceAlertName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
  return name;
}

/** The rule a price line released on the chart creates; returns what to tell the user. */
export async function createPriceAlert(
  api: ContractApi,
  a: {
    exchange: string;
    symbol: string;
    timeframe: string;
    level: number;
    lastClose: number;
    decimals: number | null;
    taken: ReadonlySet<string>;
    /** the user's words for the alert; empty: the rule describes itself */
    message: string;
  },
): Promise<string> {
  const direction = crossDirection(a.level, a.lastClose);
  const name = priceAlertName(`${a.symbol} ${direction} ${formatPrice(a.level, a.decimals)}`, a.taken);
  const rule: RuleInput = {
    name,
    exchange: a.exchange,
    symbol: a.symbol,
    timeframe: a.timeframe,
    when: { type: 'price-cross', direction, level: a.level },
    // A price line is watched tick by tick, like a price alert elsewhere, and fires once.
    evaluate: 'intrabar',
    trigger: 'once',
    signal: 'INFO',
    message: a.message === '' ? null : a.message,
  };
  try {
    await api.call('rules:create', rule);
    return `Alert created: ${name}`;
  } catch (err) {
    return `The alert was not created: ${messageOf(err)}`;
  }
}

/** A rule's line dragged to a new level: the level (and the side of the price it waits on) change. */
export async function movePriceAlert(
  api: ContractApi,
  view: RuleView,
  level: number,
  lastClose: number,
  decimals: number | null,
  /** names of the other rules */
  taken: ReadonlySet<string>,
): Promise<string> {
  if (view.rule.when.type !== 'price-cross') return '';
  // A line crossed either way stays so wherever it is dragged.
  const direction = view.rule.when.direction === 'either' ? 'either' : crossDirection(level, lastClose);
  const symbol = view.rule.symbol ?? '';
  // A name the chart made up ("BTC/USDT above 96,000.00") follows the line; a user's own name stays.
  const generated = new RegExp(`^${escapeRegExp(symbol)} (above|below) [\\d.,]+( \\(\\d+\\))?$`).test(
    view.rule.name,
  );
  const name = generated
    ? priceAlertName(`${symbol} ${direction} ${formatPrice(level, decimals)}`, taken)
    : view.rule.name;
  try {
    await api.call('rules:update', {
      id: view.id,
      rule: { ...view.rule, name, when: { type: 'price-cross', direction, level } },
    });
    return `${view.rule.name}: now ${direction} ${formatPrice(level, decimals)}`;
  } catch (err) {
    return `The alert was not moved: ${messageOf(err)}`;
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
