import { useState } from 'react';
import { BACK_TO_START, starterChoiceOf } from '../onboarding/onboarding';
import { useStarterChoice } from '../onboarding/use-starter-choice';
import { useSettings, useSettingsStore } from '../settings/SettingsProvider';
import { exchangeNameOf } from '../state/market-store';
import { useMarket } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import type { StreamError } from '../../shared/domain/stream';
import { formatTime } from '../format/time';
import { unreachableWords } from './unreachable';

/**
 * On the chart itself, instead of "Waiting for the first candles…" forever: the exchange cannot be
 * reached, why in plain words, and what to do — retry now (the feed keeps retrying on its own), or,
 * while the settings are still a first-run choice, switch to the simulated exchange or go back to
 * that choice.
 */
export function ExchangeUnreachable({ exchange, error: err }: { exchange: string; error: StreamError }) {
  const api = useApi();
  const settingsStore = useSettingsStore();
  const settings = useSettings();
  const name = useMarket((s) => exchangeNameOf(s.exchanges, exchange));
  const streamIds = useMarket((s) =>
    Object.values(s.streams)
      .filter((x) => x.exchange === exchange)
      .map((x) => x.id)
      .join('\n'),
  );
  const { busy, choose } = useStarterChoice();
  const [retrying, setRetrying] = useState(false);
  const starter = starterChoiceOf(settings);

  const retry = async () => {
    setRetrying(true);
    // Every stream of this exchange: the chart's own, its ticker and the rest of the watchlist.
    await Promise.allSettled(streamIds.split('\n').map((id) => api.call('streams:reconnect', { id })));
    setRetrying(false);
  };

  return (
    <div className="chart-unreachable" role="alert" data-testid="exchange-unreachable" data-error-at={err.at}>
      <p className="chart-unreachable-title">
        {name} can’t be reached: {unreachableWords(err)}.
      </p>
      <p className="muted">
        No candles have arrived. Candlewatch keeps trying on its own (last attempt {formatTime(err.at)}).
      </p>
      <div className="chart-unreachable-actions">
        <button type="button" className="button primary" disabled={retrying} onClick={() => void retry()}>
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
        {starter !== null && starter !== 'sim' ? (
          <>
            <button
              type="button"
              className="button"
              disabled={busy !== undefined}
              onClick={() => void choose('sim')}
            >
              {busy === 'sim' ? 'Setting up…' : 'Use the simulated exchange'}
            </button>
            <button
              type="button"
              className="link-button"
              onClick={() => void settingsStore.update(BACK_TO_START)}
            >
              Back to the first-run choice
            </button>
          </>
        ) : null}
      </div>
      <details className="muted">
        <summary>Details</summary>
        <code>{err.message}</code>
      </details>
    </div>
  );
}
