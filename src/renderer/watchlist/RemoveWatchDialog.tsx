import type { RuleView } from '../../shared/contract/methods/signals';
import type { WatchItem } from '../../shared/domain/settings';
import { Dialog } from '../ui/Dialog';

/** The rules that read a watchlist symbol: those naming it, and the watchlist rules of its exchange. */
export function rulesUsing(rules: readonly RuleView[], item: WatchItem): RuleView[] {
  return rules.filter(
    ({ rule }) =>
      rule.exchange === item.exchange &&
      (rule.symbol === item.symbol || rule.symbols?.includes(item.symbol) || rule.watchlist === true),
  );
}

/**
 * Asks before a symbol that rules read leaves the watchlist, and says what happens to each rule:
 * a rule naming the symbol keeps it streaming for itself and keeps firing; a rule on "every
 * watchlist symbol" stops reading it.
 */
export function RemoveWatchDialog({
  item,
  rules,
  onConfirm,
  onClose,
}: {
  item: WatchItem;
  rules: readonly RuleView[];
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`Remove ${item.symbol} from the watchlist?`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Keep it
          </button>
          <button type="button" className="button danger" onClick={onConfirm}>
            Remove from watchlist
          </button>
        </>
      }
    >
      <p>
        {rules.length === 1 ? 'A rule reads' : `${rules.length} rules read`} {item.symbol} on {item.exchange}:
      </p>
      <ul className="remove-watch-rules">
        {rules.map(({ id, rule }) => (
          <li key={id} data-rule-id={id}>
            <strong>{rule.name}</strong> —{' '}
            {rule.watchlist
              ? `reads every watchlist symbol: it stops watching ${item.symbol}.`
              : `keeps streaming ${item.symbol} ${rule.timeframe} for itself and keeps firing.`}
          </li>
        ))}
      </ul>
      <p className="muted">The symbol leaves the sidebar; no rule is changed or disabled.</p>
    </Dialog>
  );
}
