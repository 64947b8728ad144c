import type { ConnectionState } from '../transport/transport';
import { useConnectionState } from '../transport/TransportProvider';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  closed: 'Disconnected',
};

const HINTS: Record<ConnectionState, string> = {
  connecting:
    'Reaching the Candlewatch core. If the server was restarted, open the new URL it printed: the token changes on every start.',
  open: 'Connected to the Candlewatch core.',
  closed: 'The connection to the Candlewatch core is closed.',
};

/** The link to the core: connecting / open / closed, as a colour and a word. */
export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <div className="connection" data-state={state} role="status" title={HINTS[state]}>
      <span className="connection-dot" aria-hidden="true" />
      <span>{LABELS[state]}</span>
    </div>
  );
}
