import type { WatchItem } from '../../shared/domain/settings';

export const sameItem = (
  a: Pick<WatchItem, 'exchange' | 'symbol'>,
  b: Pick<WatchItem, 'exchange' | 'symbol'>,
) => a.exchange === b.exchange && a.symbol === b.symbol;

/** Exchanges in the order they first appear, each with its items in list order. */
export function groupByExchange(items: readonly WatchItem[]): { exchange: string; items: WatchItem[] }[] {
  const groups = new Map<string, WatchItem[]>();
  for (const item of items) {
    let g = groups.get(item.exchange);
    if (!g) groups.set(item.exchange, (g = []));
    g.push(item);
  }
  return [...groups].map(([exchange, list]) => ({ exchange, items: list }));
}

/**
 * Moves an item one place up or down among the items of its own exchange (the list is shown
 * grouped by exchange, so that is the neighbour the user sees). Returns the list unchanged when it
 * is already first / last.
 */
export function moveItem(items: readonly WatchItem[], target: WatchItem, by: -1 | 1): WatchItem[] {
  const index = items.findIndex((i) => sameItem(i, target));
  if (index < 0) return [...items];
  let other = index + by;
  while (other >= 0 && other < items.length && items[other]!.exchange !== target.exchange) other += by;
  if (other < 0 || other >= items.length) return [...items];
  const next = [...items];
  next[index] = items[other]!;
  next[other] = items[index]!;
  return next;
}

export function addItem(items: readonly WatchItem[], item: WatchItem): WatchItem[] {
  if (items.some((i) => sameItem(i, item))) return [...items];
  return [...items, item];
}

export function removeItem(
  items: readonly WatchItem[],
  target: Pick<WatchItem, 'exchange' | 'symbol'>,
): WatchItem[] {
  return items.filter((i) => !sameItem(i, target));
}
