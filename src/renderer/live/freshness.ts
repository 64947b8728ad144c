import type { StreamInfo, StreamState } from '../../shared/domain/stream';
import { isAccountStream } from '../streams/stream-words';

/**
 * How current a price on screen is (DESIGN invariant 10): every price carries its age, and a price
 * the feed is no longer refreshing says so in words instead of sitting there looking live.
 *
 * - `live`: its streams are live and the last update is younger than the stale threshold
 * - `stale`: no update for longer than the threshold (the core's watchdog says so, or we see it)
 * - `reconnecting`: the stream lost its connection and is getting it back
 * - `backfilling`: a hole is being filled; later candles wait for it
 * - `disconnected`: the link to the core itself is down, so nothing on screen can be refreshed
 * - `waiting`: nothing received yet
 */
export type FreshnessKind = 'live' | 'stale' | 'reconnecting' | 'backfilling' | 'disconnected' | 'waiting';

export type Freshness = {
  kind: FreshnessKind;
  /** ms since the last update reached this page, when one did */
  ageMs: number | null;
  /** "live", "stale 40 s", "reconnecting · 40 s old", "core disconnected" */
  text: string;
};

export type FreshnessInput = {
  /** states of the streams the price comes from (empty when none is known) */
  states: readonly StreamState[];
  /** local time the last update of this price arrived */
  seenAt: number | undefined;
  now: number;
  /** the feed's stale timeout (settings.feed.staleTimeoutMs) */
  staleAfterMs: number;
  coreOpen: boolean;
};

const LIVE: ReadonlySet<StreamState> = new Set(['live', 'polling']);
const RECONNECTING: ReadonlySet<StreamState> = new Set(['reconnecting', 'connecting', 'error']);

/** Seconds under a minute, then minutes: "4 s", "2 min", "1 h 5 min". */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1_000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

export function freshness(input: FreshnessInput): Freshness {
  const { states, seenAt, now, staleAfterMs, coreOpen } = input;
  const ageMs = seenAt === undefined ? null : Math.max(0, now - seenAt);
  const old = ageMs === null ? '' : ` · ${ageText(ageMs)} old`;
  if (!coreOpen) return { kind: 'disconnected', ageMs, text: `core disconnected${old}` };
  if (states.some((s) => RECONNECTING.has(s))) {
    // A stream that never delivered anything is still starting, not reconnecting.
    if (ageMs === null) return { kind: 'waiting', ageMs, text: 'connecting' };
    return { kind: 'reconnecting', ageMs, text: `reconnecting${old}` };
  }
  if (states.includes('stale') || (ageMs !== null && ageMs > staleAfterMs)) {
    return { kind: 'stale', ageMs, text: ageMs === null ? 'stale' : `stale ${ageText(ageMs)}` };
  }
  if (states.includes('backfilling')) return { kind: 'backfilling', ageMs, text: 'backfilling' };
  // Loaded with the page (tickers:list) rather than seen arriving: live if its streams say so.
  if (ageMs === null && !states.some((s) => LIVE.has(s)))
    return { kind: 'waiting', ageMs, text: 'waiting for data' };
  return { kind: 'live', ageMs, text: 'live' };
}

type StreamRef = Pick<StreamInfo, 'exchange' | 'symbol' | 'kind' | 'state' | 'id'>;

/**
 * Streams by `exchange|symbol`, built once per streams record: the selectors of every watchlist row
 * run on each store update (tickers, 60 times a second), and a scan of every stream per row per
 * frame cost frames at 50 symbols (bench ui).
 */
const bySymbol = new WeakMap<object, Map<string, StreamRef[]>>();

function streamsOf(
  streams: Readonly<Record<string, StreamRef>>,
  exchange: string,
  symbol: string,
): StreamRef[] {
  let index = bySymbol.get(streams);
  if (!index) {
    index = new Map();
    for (const s of Object.values(streams)) {
      const key = `${s.exchange}|${s.symbol}`;
      const list = index.get(key);
      if (list) list.push(s);
      else index.set(key, [s]);
    }
    bySymbol.set(streams, index);
  }
  return index.get(`${exchange}|${symbol}`) ?? [];
}

/** The market streams behind one symbol's prices: its ticker, its order book and its candle series. */
export function symbolStreamStates(
  streams: Readonly<Record<string, StreamRef>>,
  exchange: string,
  symbol: string,
  only?: { kind: 'ticker' | 'orderbook' | 'trades' } | { seriesId: string },
): StreamState[] {
  const out: StreamState[] = [];
  for (const s of streamsOf(streams, exchange, symbol)) {
    if (s.state === 'stopped') continue;
    if (only && 'kind' in only && s.kind !== only.kind) continue;
    if (only && 'seriesId' in only && s.id !== only.seriesId) continue;
    out.push(s.state);
  }
  return out;
}

export type ExchangeHealthKind = 'live' | 'degraded' | 'down' | 'connecting';

export type ExchangeHealth = {
  exchange: string;
  kind: ExchangeHealthKind;
  live: number;
  total: number;
  /** "live", "degraded · 3/10 live", "down · 0/10 live" */
  text: string;
};

/**
 * Per exchange, what its market streams say: live only when every one of them is live, down when
 * none is, connecting while the others are still in their first start (connecting, then the warm-up
 * backfill: the first seconds after start). Account
 * streams are left out: a refused key is the account's problem, not the market's.
 */
export function exchangeHealth(
  streams: Readonly<Record<string, Pick<StreamInfo, 'exchange' | 'kind' | 'state' | 'reconnects'>>>,
): ExchangeHealth[] {
  const counts = new Map<string, { live: number; total: number; starting: number }>();
  for (const s of Object.values(streams)) {
    if (isAccountStream(s) || s.state === 'stopped') continue;
    const c = counts.get(s.exchange) ?? { live: 0, total: 0, starting: 0 };
    c.total++;
    if (LIVE.has(s.state)) c.live++;
    // A first start connects, then fetches its warm-up history (backfilling): neither is "down".
    if ((s.state === 'connecting' || s.state === 'backfilling') && s.reconnects === 0) c.starting++;
    counts.set(s.exchange, c);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([exchange, { live, total, starting }]) => {
      const kind: ExchangeHealthKind =
        live === total ? 'live' : live + starting === total ? 'connecting' : live === 0 ? 'down' : 'degraded';
      const text = kind === 'live' ? kind : `${kind} · ${live}/${total} live`;
      return { exchange, kind, live, total, text };
    });
}
