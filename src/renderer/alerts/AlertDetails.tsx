import { useEffect, useState } from 'react';
import type { Alert, AlertStatusChange } from '../../shared/domain/alert';
import { formatDateTime } from '../format/time';
import { useAlerts } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { openAlertLabel } from './alert-view';

/**
 * One alert opened in the history: what it read, how its strength was computed, and every status
 * it went through with the time (`alerts:get`), reloaded when alerts change.
 */
export function AlertDetails({ alert: a, onOpen }: { alert: Alert; onOpen: (a: Alert) => void }) {
  const api = useApi();
  const revision = useAlerts((s) => s.revision);
  const [history, setHistory] = useState<AlertStatusChange[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api.call('alerts:get', { id: a.id }).then(
      (found) => {
        if (!live) return;
        setHistory(found.history);
        setError(undefined);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [api, a.id, revision]);

  return (
    <tr className="alert-details" data-details-for={a.id}>
      <td colSpan={9}>
        <div className="alert-details-body">
          <dl>
            {Object.entries(a.values).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd className="num">{v}</dd>
              </div>
            ))}
            <div>
              <dt>strength</dt>
              <dd>{a.strengthBasis}</dd>
            </div>
          </dl>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : (
            <ol className="status-history" aria-label={`Status history of alert ${a.id}`}>
              {(history ?? []).map((h, i) => (
                <li key={i}>
                  <span className={`status-badge ${h.status}`}>{h.status}</span>{' '}
                  <span className="num">{formatDateTime(h.at)}</span>{' '}
                  <span className="muted">{h.reason}</span>
                </li>
              ))}
            </ol>
          )}
          <button type="button" className="button small" onClick={() => onOpen(a)}>
            {openAlertLabel(a)}
          </button>
        </div>
      </td>
    </tr>
  );
}
