import { exchangeHealth, type ExchangeHealth } from '../live/freshness';
import { exchangeNameOf } from '../state/market-store';
import { useMarket } from '../state/StoresProvider';
import { useConnectionState, useCoreLink, type CoreLink } from '../transport/TransportProvider';

const CORE_LABELS: Record<CoreLink, string> = {
  connecting: 'Connecting to the core…',
  open: 'Core connected',
  lost: 'Core disconnected · reconnecting…',
};

const CORE_HINTS: Record<CoreLink, string> = {
  connecting:
    'Reaching the Candlewatch core. If the server was restarted, open the new URL it printed: the token changes on every start.',
  open: 'Connected to the Candlewatch core.',
  lost: 'The connection to the Candlewatch core is lost: nothing on screen is being updated. If the server was restarted, open the new URL it printed: the token changes on every start.',
};

const EXCHANGE_HINTS: Record<ExchangeHealth['kind'], string> = {
  live: 'Every stream of this exchange is live.',
  degraded: 'Some streams of this exchange are not live: their prices are stale.',
  down: 'No stream of this exchange is live: its prices are stale.',
  connecting: 'Connecting to the exchange.',
};

/** Computed once per streams record, not on every ticker update of the store. */
const packedCache = new WeakMap<object, string>();
function packedHealth(streams: Parameters<typeof exchangeHealth>[0]): string {
  let packed = packedCache.get(streams);
  if (packed === undefined) {
    packed = exchangeHealth(streams)
      .map((h) => `${h.exchange}:${h.kind}:${h.text}`)
      .join('|');
    packedCache.set(streams, packed);
  }
  return packed;
}

/**
 * What is really true, where traders look first: the link to the core, then per exchange whether
 * its market data is live, degraded or down. "Connected" alone would stay green through an
 * exchange outage (issue 13), so the core link only speaks up when it is not open.
 */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const link = useCoreLink();
  // Packed, so the selection compares by value: the bar re-renders only when a word changes.
  const packed = useMarket((s) => packedHealth(s.streams));
  const names = useMarket((s) => s.exchanges);
  const health = packed === '' ? [] : packed.split('|').map((p) => p.split(':') as [string, string, string]);
  const nameOf = (id: string) => exchangeNameOf(names, id);
  return (
    <div className="connection" data-state={state} data-link={link} role="status" title={CORE_HINTS[link]}>
      {link !== 'open' || health.length === 0 ? (
        <span className="connection-core">
          <span className="connection-dot" aria-hidden="true" />
          <span>{CORE_LABELS[link]}</span>
        </span>
      ) : null}
      {link === 'open'
        ? health.map(([exchange, kind, text]) => (
            <span
              key={exchange}
              className="exchange-health"
              data-exchange={exchange}
              data-health={kind}
              data-testid={`exchange-health-${exchange}`}
              title={EXCHANGE_HINTS[kind as ExchangeHealth['kind']]}
            >
              <span className="connection-dot" aria-hidden="true" />
              <span>
                {nameOf(exchange)} {text}
              </span>
            </span>
          ))
        : null}
    </div>
  );
}
