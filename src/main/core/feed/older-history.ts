import type { CandlesFetchOlder } from '../../../shared/contract/methods/market';
import { ContractError } from '../../../shared/contract/result';
import { seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import type { ClassifiedError } from '../base/classify-error';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/log';
import { fetchOlderCandles } from '../candles/older-candles';
import type { MarketSource } from '../exchange/market-source';
import { loadAndCheckSymbol, timeframeSupport } from './market-check';

/** Where older candles are stored and what is stored already (store/, or a cluster's shared store). */
export type OlderCandleStore = {
  /** open time of the oldest closed candle held for the series (stored or queued for the writer) */
  first(key: SeriesKey): number | undefined | Promise<number | undefined>;
  /** hands closed candles to the writer every backfill goes through */
  write(key: SeriesKey, candles: readonly Candle[]): void;
};

export type OlderHistoryDeps = {
  source(exchange: string): Promise<MarketSource>;
  store: OlderCandleStore;
  /** days of candles the retention setting keeps for a timeframe; null: forever */
  retentionDays(timeframe: string): number | null;
  clock: Clock;
  log: Logger;
};

const DAY_MS = 86_400_000;

/**
 * Endless scroll-back: when the chart has read every stored candle of a series, it asks here for
 * older ones. They come from the exchange over REST (through its RestGate, like every backfill),
 * go to the same writer as the collector's candles, and are answered to the chart. Calls for one
 * series run one after the other, each starting from the oldest candle held then, so two charts
 * scrolling back together never fetch a range twice or leave a hole between their pages.
 */
export class OlderHistory {
  private readonly running = new Map<string, Promise<unknown>>();
  /** the exchange's first candle per series, once a search found it (null: it has none) */
  private readonly firstCandle = new Map<string, number | null>();
  /**
   * Where a search that found nothing stopped (its request budget spent in a stretch without
   * trades), per series and per oldest held candle: the next call goes on from there.
   */
  private readonly searched = new Map<string, { before: number; to: number }>();

  constructor(private readonly deps: OlderHistoryDeps) {}

  fetch(key: SeriesKey, limit: number): Promise<CandlesFetchOlder> {
    const id = seriesId(key);
    const previous = this.running.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.fetchNow(key, limit));
    this.running.set(id, next);
    const forget = () => {
      if (this.running.get(id) === next) this.running.delete(id);
    };
    next.then(forget, forget);
    return next;
  }

  private async fetchNow(key: SeriesKey, limit: number): Promise<CandlesFetchOlder> {
    const source = await this.deps.source(key.exchange);
    await loadAndCheckSymbol(source, key.symbol);
    if (timeframeSupport(source, key.timeframe) === 'aggregated') {
      // The aggregate is built from 1m candles as they arrive; older 1m history is not aggregated
      // after the fact, so its history starts where the stream's did.
      throw new ContractError(
        'unavailable',
        `${source.name} has no ${key.timeframe} candles of its own (they are built from 1m), so no older ones can be fetched`,
      );
    }
    const held = await this.deps.store.first(key);
    if (held === undefined) {
      throw new ContractError(
        'unavailable',
        `No ${key.symbol} ${key.timeframe} candles are stored yet; older history loads once the first ones are in`,
      );
    }
    const id = seriesId(key);
    const resume = this.searched.get(id);
    const before = resume?.before === held ? resume.to : held;
    const now = this.deps.clock.now();
    const days = this.deps.retentionDays(key.timeframe);
    const result = await fetchOlderCandles(
      (since, n, priority) => source.fetchCandles(key.symbol, key.timeframe, since, n, priority),
      {
        timeframe: key.timeframe,
        before,
        want: limit,
        pageLimit: source.capabilities().maxCandlesPerRequest,
        notBefore: days === null ? 0 : now - days * DAY_MS,
        firstKnown: this.firstCandle.get(id),
        now,
      },
    );
    if (result.firstFound !== undefined) this.firstCandle.set(id, result.firstFound);
    if (result.candles.length === 0 && !result.end)
      this.searched.set(id, { before: held, to: result.searchedTo });
    else this.searched.delete(id);
    if (result.candles.length > 0) this.deps.store.write(key, result.candles);
    // After a 429 the RestGate holds every call of the exchange for its Retry-After window: that
    // window is the wait the chart counts down before it asks again by itself.
    const blockedMs = Math.ceil(source.restBlockedForMs());
    const error = result.error && {
      kind: result.error.kind,
      message: failureWords(source.name, result.error, result.candles.length, blockedMs),
      retryInMs: result.error.kind === 'rate-limited' && blockedMs > 0 ? blockedMs : null,
    };
    if (error)
      this.deps.log.warn(`older history of ${key.symbol} ${key.timeframe} could not be fetched`, {
        kind: error.kind,
        kept: result.candles.length,
      });
    return { series: key, exchangeName: source.name, candles: result.candles, end: result.end, error };
  }
}

/** What went wrong, in words a trader reads on the chart. */
function failureWords(exchange: string, e: ClassifiedError, kept: number, blockedMs: number): string {
  const keptWords = kept > 0 ? ` The ${kept} candles fetched before it are kept.` : '';
  switch (e.kind) {
    case 'rate-limited': {
      // A retry inside the exchange's Retry-After window waits for it at the RestGate.
      const wait = blockedMs > 0 ? ` (it asks to wait ${Math.ceil(blockedMs / 1000)} s)` : '';
      return `${exchange} is limiting requests${wait}; older candles load again after the wait.${keptWords}`;
    }
    case 'network':
    case 'exchange-unavailable':
    case 'malformed':
      return `${exchange} could not be reached for older candles (${e.message}).${keptWords}`;
    default:
      return `${exchange} refused the request for older candles: ${e.message}.${keptWords}`;
  }
}
