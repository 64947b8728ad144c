import { formatPrice } from '../format/numbers';
import { formatTime } from '../format/time';
import { symbolKey } from '../state/market-store';
import { useAlerts, useStores } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { openAlert, openAlertLabel, SIGNAL_TONE } from './alert-view';
import { StrengthMeter } from './AlertsPanel';

/** A toast per new alert, newest at the bottom; urgent ones stay until dismissed. */
export function Toasts() {
  const api = useApi();
  const { alerts, ui, market } = useStores();
  const toasts = useAlerts((s) => s.toasts);
  return (
    <section className="toasts" aria-label="New alerts" aria-live="polite">
      {toasts.map(({ alert: a }) => {
        const decimals = market.getState().markets[symbolKey(a.exchange, a.symbol)]?.priceDecimals ?? null;
        return (
          <article
            key={a.id}
            className={`toast ${SIGNAL_TONE[a.signal]}${a.urgent ? ' urgent' : ''}`}
            data-alert-id={a.id}
            aria-label={`${a.signal} alert on ${a.symbol}`}
          >
            <header className="toast-header">
              <span className={`signal-badge ${SIGNAL_TONE[a.signal]}`}>{a.signal}</span>
              <strong>{a.symbol}</strong>
              <span className="muted">
                {[a.exchange, a.timeframe, formatTime(a.firedAt)].filter((x) => x !== '').join(' · ')}
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label="Close"
                onClick={() => alerts.closeToast(a.id)}
              >
                ×
              </button>
            </header>
            {/* Which rule spoke (issue 13: toasts omitted it); a fill has no rule, it says what it is. */}
            <p className="toast-rule" data-testid="toast-rule">
              {a.kind === 'fill' ? 'Order filled' : a.ruleName}
            </p>
            <p className="toast-message">{a.message}</p>
            <div className="toast-footer">
              <span className="num">{formatPrice(a.price, decimals)}</span>
              {/* A fill is a fact, not a signal: no strength to show. */}
              {a.kind === 'fill' ? null : (
                <span title={a.strengthBasis}>
                  <StrengthMeter value={a.strength} />
                </span>
              )}
              <span className="spacer" />
              <button
                type="button"
                className="button small"
                onClick={() => {
                  openAlert(ui.getState(), a);
                  alerts.closeToast(a.id);
                }}
              >
                {openAlertLabel(a)}
              </button>
              <button
                type="button"
                className="button small"
                onClick={() => {
                  alerts.closeToast(a.id);
                  void api.call('alerts:dismiss', { ids: [a.id] }).catch(() => {});
                }}
              >
                Dismiss
              </button>
            </div>
          </article>
        );
      })}
    </section>
  );
}
