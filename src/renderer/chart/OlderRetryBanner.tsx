import { useEffect, useState } from 'react';
import { olderRetryWords } from './older-history-words';

/**
 * Scroll-back waiting out the exchange's rate limit: the seconds left before it asks again by
 * itself, and Retry to go at once.
 */
export function OlderRetryBanner({
  exchangeName,
  until,
  reason,
  onRetry,
}: {
  exchangeName: string;
  /** when the retry goes (epoch ms) */
  until: number;
  /** the core's words for the failure, on hover */
  reason: string;
  onRetry: () => void;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // A few ticks a second: the count steps on whole seconds without drifting a second late.
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [until]);
  return (
    <p className="chart-older" role="status" data-testid="older-banner" data-state="waiting" title={reason}>
      <span className="state-dot" data-state="waiting" aria-hidden="true" />
      {olderRetryWords(exchangeName, until - now)}
      <button type="button" className="button small" onClick={onRetry}>
        Retry
      </button>
    </p>
  );
}
