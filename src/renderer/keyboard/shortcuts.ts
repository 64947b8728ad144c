/** The keyboard map, shown in the Shortcuts dialog and handled by use-shortcuts.ts. */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'Ctrl K or /', action: 'Search symbols and add one to the watchlist' },
  { keys: '1 … 6', action: 'Chart timeframe: 1m, 5m, 15m, 1h, 4h, 1d (1s, 3m, 30m in the toolbar)' },
  { keys: 'A', action: 'Place a price alert line on the chart (↑ ↓ move it, Enter places it)' },
  { keys: 'N', action: 'New alert rule for the chart’s symbol' },
  { keys: 'Ctrl ,', action: 'Settings' },
  { keys: 'Alt 1 … 5', action: 'Bottom panel: Alerts, Order book, Streams, Rules, Account' },
  { keys: 'Esc', action: 'Close a dialog, cancel placing an alert line' },
  { keys: '?', action: 'This list' },
];

/** Typing in a field must never trigger a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
}
