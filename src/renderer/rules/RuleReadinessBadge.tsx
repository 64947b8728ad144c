import type { RuleReadiness } from '../../shared/domain/rule-readiness';

/** The readiness of a rule in words: armed, warming up (n of m), waiting (why), error (why), off. */
export function readinessWords(r: RuleReadiness): string {
  switch (r.state) {
    case 'armed':
      return 'armed';
    case 'warming-up':
      return `warming up (${r.have ?? 0} of ${r.need ?? 0} candles)`;
    case 'waiting':
      return 'waiting for the stream';
    case 'error':
      return 'error';
    case 'off':
      return r.reason ?? 'off';
  }
}

/** A badge for a rule's readiness; the reason (what it waits for, what failed) follows in words. */
export function RuleReadinessBadge({ readiness }: { readiness: RuleReadiness }) {
  const showReason = readiness.reason && (readiness.state === 'waiting' || readiness.state === 'error');
  return (
    <span className="rule-readiness" data-readiness={readiness.state}>
      <span className={`status-badge readiness-${readiness.state}`}>{readinessWords(readiness)}</span>
      {showReason ? <span className="muted"> · {readiness.reason}</span> : null}
    </span>
  );
}
