import type { Exchange } from 'ccxt';
import { ContractError } from '../../../shared/contract/result';
import type { ExchangeInfo, MarketInfo } from '../../../shared/domain/exchange';
import type { ExchangeSettings } from '../../../shared/domain/settings';
import { Backoff } from '../base/backoff';
import { classifyError } from '../base/classify-error';
import { sleep, type Clock } from '../base/clock';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import { createCcxtExchange } from './ccxt-factory';
import { CcxtSource } from './ccxt-source';
import type { MarketSource } from './market-source';
import { SIM_EXCHANGE_ID, SimSource } from './sim/sim-source';

const DAY_MS = 86_400_000;

export type RegistryDeps = {
  clock: Clock;
  log: Logger;
  /** builds the ccxt instance; tests of the registry pass their own */
  createCcxt?: (id: string, settings: ExchangeSettings) => Exchange;
};

type Entry = {
  id: string;
  settingsJson: string;
  source: MarketSource | null;
  /** why the exchange could not be built, or why its markets did not load */
  error: string | null;
  stop: AbortController;
};

/**
 * One MarketSource per exchange id: the built-in `sim` (always there, and the default when nothing
 * else is configured), every enabled exchange of the settings, and every exchange the watchlist
 * names with default options. Loads markets at start (retrying with backoff until it works) and
 * refreshes them daily.
 */
export class ExchangeRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly createCcxt: (id: string, settings: ExchangeSettings) => Exchange;
  private readonly changes = new Emitter<void>((err) =>
    this.deps.log.error('an exchange list listener failed', { error: err }),
  );
  /**
   * Called when what `list()` says may have changed: settings applied (exchanges built, rebuilt or
   * removed), or an exchange's markets loaded or failed to. Listeners read `list()` themselves.
   */
  readonly onChange = this.changes.on;

  constructor(private readonly deps: RegistryDeps) {
    this.createCcxt = deps.createCcxt ?? createCcxtExchange;
  }

  /**
   * The exchanges `apply` would replace or remove for these settings: their streams must stop
   * (without unsubscribing: the sockets are about to close) before it runs.
   */
  outdated(configured: Record<string, ExchangeSettings>, referenced: Iterable<string>): string[] {
    const wanted = this.wanted(configured, referenced);
    return [...this.entries]
      .filter(([id, e]) => JSON.stringify(wanted.get(id)) !== e.settingsJson)
      .map(([id]) => id);
  }

  /** Brings the registry in line with the settings: builds new exchanges, rebuilds changed ones. */
  async apply(configured: Record<string, ExchangeSettings>, referenced: Iterable<string>): Promise<void> {
    const wanted = this.wanted(configured, referenced);
    const outdated = this.outdated(configured, referenced);
    for (const id of outdated) await this.remove(this.entries.get(id)!);
    const added = [...wanted].filter(([id]) => !this.entries.has(id));
    for (const [id, s] of added) this.add(id, s);
    if (outdated.length > 0 || added.length > 0) this.changes.emit();
  }

  private wanted(
    configured: Record<string, ExchangeSettings>,
    referenced: Iterable<string>,
  ): Map<string, ExchangeSettings> {
    const wanted = new Map<string, ExchangeSettings>();
    wanted.set(SIM_EXCHANGE_ID, configured[SIM_EXCHANGE_ID] ?? { enabled: true, sandbox: false, ccxt: {} });
    for (const [id, s] of Object.entries(configured)) if (s.enabled) wanted.set(id.toLowerCase(), s);
    for (const raw of referenced) {
      const id = raw.toLowerCase();
      if (!wanted.has(id) && configured[id]?.enabled !== false)
        wanted.set(id, { enabled: true, sandbox: false, ccxt: {} });
    }
    return wanted;
  }

  /** The source of an exchange, or undefined when it is unknown or failed to build. */
  find(id: string): MarketSource | undefined {
    return this.entries.get(id.toLowerCase())?.source ?? undefined;
  }

  /** The source of an exchange; a ContractError in plain words otherwise. */
  get(id: string): MarketSource {
    const entry = this.entries.get(id.toLowerCase());
    if (!entry) {
      throw new ContractError(
        'not-found',
        `No exchange "${id}" is configured; add it under "exchanges" in the settings (known: ${[...this.entries.keys()].join(', ')})`,
      );
    }
    if (!entry.source) throw new ContractError('unavailable', entry.error ?? `${id} is not available`);
    return entry.source;
  }

  /** Why the exchange is not available (unknown id, bad options, disabled), or null. */
  problem(id: string, configured?: ExchangeSettings): string | null {
    if (configured && !configured.enabled) return `${id} is disabled in the settings`;
    const entry = this.entries.get(id.toLowerCase());
    if (!entry) return `No exchange "${id}" is configured`;
    return entry.source ? null : entry.error;
  }

  sources(): MarketSource[] {
    return [...this.entries.values()].flatMap((e) => (e.source ? [e.source] : []));
  }

  list(): ExchangeInfo[] {
    return [...this.entries.values()]
      .map((e): ExchangeInfo => {
        const s = e.source;
        const loaded = s?.marketsLoadedAt ?? null;
        return {
          id: e.id,
          name: s?.name ?? e.id,
          status: loaded !== null ? 'ready' : e.error ? 'error' : 'loading',
          error: e.error,
          sandbox: s?.sandbox ?? false,
          simulated: s?.simulated ?? false,
          marketsLoadedAt: loaded,
          marketCount: s?.markets().length ?? 0,
          capabilities: s ? s.capabilities() : null,
        };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Markets whose symbol, base or quote match `query`, best matches first. */
  search(id: string, query: string, limit: number): MarketInfo[] {
    const source = this.get(id);
    if (source.marketsLoadedAt === null) {
      throw new ContractError(
        'unavailable',
        `${source.name} is still loading its markets; try again in a moment`,
      );
    }
    const q = query.trim().toUpperCase().replace(/[-_ ]/g, '/');
    const scored: Array<[number, MarketInfo]> = [];
    for (const m of source.markets()) {
      const symbol = m.symbol.toUpperCase();
      const base = m.base.toUpperCase();
      let score = -1;
      if (q === '' || symbol === q) score = 0;
      else if (base === q) score = 1;
      else if (symbol.startsWith(q)) score = 2;
      else if (base.startsWith(q)) score = 3;
      else if (symbol.includes(q) || symbol.replace('/', '').includes(q.replace('/', ''))) score = 4;
      if (score >= 0) scored.push([score + (m.active ? 0 : 10), m]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].symbol.localeCompare(b[1].symbol));
    return scored.slice(0, limit).map(([, m]) => m);
  }

  async close(): Promise<void> {
    for (const entry of [...this.entries.values()]) await this.remove(entry);
  }

  private add(id: string, settings: ExchangeSettings): void {
    const { clock, log } = this.deps;
    const entry: Entry = {
      id,
      settingsJson: JSON.stringify(settings),
      source: null,
      error: null,
      stop: new AbortController(),
    };
    this.entries.set(id, entry);
    try {
      entry.source =
        id === SIM_EXCHANGE_ID
          ? new SimSource(settings.ccxt, clock)
          : new CcxtSource(id, this.createCcxt(id, settings), settings.sandbox, {
              clock,
              log: log.child(id),
            });
    } catch (err) {
      entry.error = classifyError(err).message;
      log.warn(`exchange ${id} cannot be used`, { error: entry.error });
      return;
    }
    void this.keepMarketsLoaded(entry);
  }

  private async remove(entry: Entry): Promise<void> {
    this.entries.delete(entry.id);
    entry.stop.abort();
    await entry.source?.close().catch(() => {});
  }

  private async keepMarketsLoaded(entry: Entry): Promise<void> {
    const { clock, log } = this.deps;
    const backoff = new Backoff();
    const source = entry.source!;
    while (!entry.stop.signal.aborted) {
      try {
        await source.loadMarkets(source.marketsLoadedAt !== null);
        entry.error = null;
        backoff.reset();
        if (!entry.stop.signal.aborted) this.changes.emit();
        await sleep(clock, DAY_MS, entry.stop.signal);
      } catch (err) {
        if (entry.stop.signal.aborted) return;
        const c = classifyError(err);
        // A failed daily refresh keeps the markets we have: only the first load is an error.
        const error = `${source.name}: markets could not be loaded (${c.kind}): ${c.message}`;
        if (source.marketsLoadedAt === null && error !== entry.error) {
          entry.error = error;
          this.changes.emit();
        }
        const delay = Math.max(backoff.next(), source.restBlockedForMs());
        log.warn(`loading markets of ${entry.id} failed`, { kind: c.kind, retryInMs: delay });
        await sleep(clock, delay, entry.stop.signal);
      }
    }
  }
}
