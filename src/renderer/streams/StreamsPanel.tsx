import { exchangeHealth } from '../live/freshness';
import { Fragment, useEffect, useState } from 'react';
import type { ExchangeInfo } from '../../shared/domain/exchange';
import type { GapRecord } from '../../shared/domain/gap';
import type { StreamError, StreamInfo } from '../../shared/domain/stream';
import { useNow } from '../app/use-now';
import { formatInteger } from '../format/numbers';
import { formatAge, formatShortDateTime, formatTime } from '../format/time';
import { needsOnboarding } from '../onboarding/onboarding';
import { useSettings } from '../settings/SettingsProvider';
import { useMarket, useStores } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { describeFacts } from './exchange-facts';
import { TableHead, type Column } from '../ui/TableHead';
import {
  errorInWords,
  quietInWords,
  STATE_WORDS,
  stateHint,
  streamLabel,
  warmupInWords,
} from './stream-words';

/** Every stream's health, the exchanges behind them, and the gap ledger. */
/**
 * Counters (messages, msgs/s, last message time) move on every message, but stream:state-changed
 * is only sent when a state changes: while the panel is open it reads the list again this often.
 */
const COUNTERS_REFRESH_MS = 2_000;

export function StreamsPanel() {
  const settings = useSettings();
  const { market } = useStores();
  useEffect(() => {
    // At once on opening: the states held since the last event carry counters from back then.
    void market.refreshStreams();
    const timer = setInterval(() => void market.refreshStreams(), COUNTERS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [market]);
  const streams = useMarket((s) => s.streams);
  const exchanges = useMarket((s) => s.exchanges);
  const list = Object.values(streams).sort((a, b) => a.id.localeCompare(b.id));

  if (needsOnboarding(settings) || list.length === 0) {
    return (
      <p className="empty-hint">
        No streams yet. Every watched symbol gets a live stream here
        {needsOnboarding(settings) ? ': pick where your data comes from in the welcome screen.' : '.'}
      </p>
    );
  }
  const byExchange = new Map<string, StreamInfo[]>();
  for (const s of list) {
    let g = byExchange.get(s.exchange);
    if (!g) byExchange.set(s.exchange, (g = []));
    g.push(s);
  }
  return (
    <div className="streams-panel">
      <ExchangeSummaries exchanges={exchanges ?? []} byExchange={byExchange} />
      <StreamTable groups={byExchange} />
      <GapLedger />
    </div>
  );
}

/** The card's dot: the exchange loaded is not enough to be green, its streams must be live too. */
function cardHealth(e: ExchangeInfo, own: StreamInfo[]): 'ok' | 'warn' | 'bad' {
  if (e.status !== 'ready') return e.status === 'error' ? 'bad' : 'warn';
  const kind = exchangeHealth(Object.fromEntries(own.map((s) => [s.id, s])))[0]?.kind ?? 'live';
  return kind === 'live' ? 'ok' : kind === 'down' ? 'bad' : 'warn';
}

function ExchangeSummaries({
  exchanges,
  byExchange,
}: {
  exchanges: ExchangeInfo[];
  byExchange: Map<string, StreamInfo[]>;
}) {
  const api = useApi();
  const { market } = useStores();
  const [busy, setBusy] = useState(false);
  const shown = exchanges.filter((e) => byExchange.has(e.id) || !e.simulated);
  return (
    <section aria-label="Exchanges" className="exchange-cards">
      {shown.map((e) => {
        const own = byExchange.get(e.id) ?? [];
        const live = own.filter((s) => s.state === 'live' || s.state === 'polling').length;
        const caps = e.capabilities;
        const warmup = warmupInWords(own);
        return (
          <article key={e.id} className="exchange-card" data-exchange={e.id}>
            <header>
              <span className="state-dot" data-health={cardHealth(e, own)} />
              <strong>{e.name}</strong>
              <span className="muted">
                {e.status === 'ready' ? `${formatInteger(e.marketCount)} markets` : e.status}
                {e.sandbox ? ' · sandbox' : ''}
                {e.simulated ? ' · simulated' : ''}
              </span>
              <span className="muted">
                {live}/{own.length} streams live
              </span>
            </header>
            {e.error ? <p className="text-bad">{e.error}</p> : null}
            {warmup ? (
              <p className="warmup" role="status">
                {warmup}
              </p>
            ) : null}
            {caps ? (
              <p className="caps muted">
                {[
                  caps.websocketOhlcv ? 'websocket candles' : 'REST-polled candles',
                  caps.multiSymbolOhlcv ? 'multi-symbol' : null,
                  caps.websocketTicker ? 'websocket ticker' : null,
                  caps.orderBook
                    ? caps.websocketOrderBook
                      ? 'websocket order book'
                      : 'order book (REST)'
                    : null,
                  caps.closedFlag ? 'closed-candle flag' : 'closes inferred',
                  caps.unwatch ? 'unsubscribe' : null,
                  `timeframes ${caps.timeframes.join(' ')}`,
                  caps.aggregatedTimeframes.length > 0
                    ? `built from 1m: ${caps.aggregatedTimeframes.join(' ')}`
                    : null,
                  `${formatInteger(caps.maxCandlesPerRequest)} candles/request`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            ) : null}
            {caps ? <p className="caps muted">{describeFacts(caps.facts).join(' · ')}</p> : null}
          </article>
        );
      })}
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          api
            .call('streams:reconnect', {})
            .then(() => market.refreshStreams())
            .finally(() => setBusy(false));
        }}
      >
        Reconnect all
      </button>
    </section>
  );
}

const STREAM_COLUMNS: readonly Column[] = [
  { label: 'Stream' },
  { label: 'State' },
  { label: 'Last message', numeric: true },
  { label: 'Msgs/s', numeric: true },
  { label: 'Messages', numeric: true },
  { label: 'Reconnects', numeric: true },
  { label: 'Latency', numeric: true },
  { label: 'Last error' },
  { label: 'Actions', hidden: true },
];

function StreamTable({ groups }: { groups: Map<string, StreamInfo[]> }) {
  const now = useNow();
  const [open, setOpen] = useState<string>();
  return (
    <table className="data-table streams-table" aria-label="Streams">
      <TableHead columns={STREAM_COLUMNS} />
      {[...groups].map(([exchange, list]) => (
        <tbody key={exchange}>
          <tr className="group-row">
            <th scope="rowgroup" colSpan={9}>
              {exchange}
            </th>
          </tr>
          {list.map((s) => (
            <Fragment key={s.id}>
              <StreamRow
                stream={s}
                now={now}
                expanded={open === s.id}
                onToggle={() => setOpen(open === s.id ? undefined : s.id)}
              />
              {open === s.id ? <StreamErrors id={s.id} /> : null}
            </Fragment>
          ))}
        </tbody>
      ))}
    </table>
  );
}

function StreamRow({
  stream: s,
  now,
  expanded,
  onToggle,
}: {
  stream: StreamInfo;
  now: number;
  expanded: boolean;
  onToggle: () => void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  // The core's own age at the snapshot (read every 2 s while the panel is open): the two clocks
  // may differ, and lastMessageAt of an old snapshot showed "2 min" for a live stream (issue 13).
  const age = s.lastMessageAgeMs;
  const quiet = quietInWords(s, formatAge);
  // An error from before the stream last went live is history, not the current state.
  const resolved =
    s.lastError !== null && (s.state === 'live' || s.state === 'polling') && s.lastError.at <= s.stateSince;
  return (
    <tr data-stream={s.id} data-state={s.state}>
      <th scope="row">
        {streamLabel(s)}
        {s.transport !== 'websocket' ? (
          <span className="muted"> · {s.transport === 'rest-poll' ? 'REST' : 'from 1m'}</span>
        ) : null}
      </th>
      <td className="nowrap">
        <span className="stream-state" data-state={s.state} title={stateHint(s, formatAge)}>
          <span className="state-dot" data-state={s.state} aria-hidden="true" />
          {STATE_WORDS[s.state]}
        </span>
        <span className="muted"> {formatAge(Math.max(0, now - s.stateSince))}</span>
        {quiet ? (
          <span className="muted" data-testid="stream-quiet">
            {' '}
            · {quiet}
          </span>
        ) : null}
      </td>
      <td className="num" data-testid="message-age">
        {age === null ? '—' : formatAge(age)}
      </td>
      <td className="num">{s.messagesPerSecond.toFixed(1)}</td>
      <td className="num">{formatInteger(s.messages)}</td>
      <td className="num">{formatInteger(s.reconnects)}</td>
      <td className="num">{s.latencyMs === null ? '—' : `${Math.round(s.latencyMs)} ms`}</td>
      <td className="stream-error">
        {s.lastError ? (
          <button
            type="button"
            className="link-button"
            aria-expanded={expanded}
            onClick={onToggle}
            title="Show the last errors"
          >
            <span className={resolved ? 'muted' : undefined}>
              {resolved ? 'Resolved: ' : ''}
              {errorInWords(s.lastError)}
            </span>{' '}
            <span className="muted">({formatTime(s.lastError.at)})</span>
          </button>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <button
          type="button"
          className="button small"
          disabled={busy}
          aria-label={`Reconnect ${streamLabel(s)} on ${s.exchange}`}
          onClick={() => {
            setBusy(true);
            api
              .call('streams:reconnect', { id: s.id })
              .catch(() => {})
              .finally(() => setBusy(false));
          }}
        >
          Reconnect
        </button>
      </td>
    </tr>
  );
}

function StreamErrors({ id }: { id: string }) {
  const api = useApi();
  const [errors, setErrors] = useState<StreamError[]>();
  useEffect(() => {
    let live = true;
    api.call('streams:errors', { id }).then(
      (list) => live && setErrors(list),
      () => live && setErrors([]),
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  return (
    <tr className="detail-row">
      <td colSpan={9}>
        {errors === undefined ? (
          'Loading…'
        ) : errors.length === 0 ? (
          'No errors recorded.'
        ) : (
          <ol className="error-list" reversed>
            {[...errors].reverse().map((e, i) => (
              <li key={i}>
                <span className="muted num">{formatShortDateTime(e.at)}</span> {errorInWords(e)}
              </li>
            ))}
          </ol>
        )}
      </td>
    </tr>
  );
}

const GAP_COLUMNS: readonly Column[] = [
  { label: 'Series' },
  { label: 'Missing' },
  { label: 'Candles', numeric: true },
  { label: 'Why' },
  { label: 'Found' },
  { label: 'Filled' },
];

function GapLedger() {
  const api = useApi();
  const streams = useMarket((s) => s.streams);
  // Read again when any stream leaves or enters backfilling.
  const backfilling = Object.values(streams)
    .filter((s) => s.state === 'backfilling')
    .map((s) => s.id)
    .join(',');
  const [gaps, setGaps] = useState<GapRecord[]>([]);
  useEffect(() => {
    let live = true;
    api.call('gaps:list', { limit: 50 }).then(
      (list) => live && setGaps(list),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, backfilling]);
  return (
    <section aria-labelledby="gap-ledger-title">
      <h3 id="gap-ledger-title" className="subsection-title">
        Gap ledger
      </h3>
      {gaps.length === 0 ? (
        <p className="empty-hint">No gaps found: every series is continuous.</p>
      ) : (
        <table className="data-table" aria-labelledby="gap-ledger-title">
          <TableHead columns={GAP_COLUMNS} />
          <tbody>
            {gaps.map((g) => (
              <tr key={g.id}>
                <th scope="row">
                  {g.exchange} {g.symbol} {g.timeframe}
                </th>
                <td className="num">
                  {formatShortDateTime(g.from)} → {formatShortDateTime(g.to)}
                </td>
                <td className="num">
                  {formatInteger(g.filled)}/{formatInteger(g.expected)}
                </td>
                <td>{g.reason}</td>
                <td className="num">{formatShortDateTime(g.detectedAt)}</td>
                <td>
                  {g.filledAt !== null ? (
                    <span className="text-ok">
                      {formatShortDateTime(g.filledAt)}
                      {g.filled < g.expected ? ' (the exchange has no more)' : ''}
                    </span>
                  ) : g.error ? (
                    <span className="text-bad">retrying: {g.error}</span>
                  ) : (
                    <span className="text-warn">filling…</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
