/**
 * The floor of bench/scale.ts: the same candle and ticker streams with nothing but ccxt — one
 * ccxt.pro.binance, subscriptions sent in batches of 200 (watchOHLCVForSymbols / watchTickers, as the
 * engine does, or 3,000 streams would take ccxt's 5-a-second pace: 10 minutes), at most 1,024 candle
 * streams a socket (Binance's limit, which the fake enforces; the socket is chosen through ccxt's own
 * `options.streamBySubscriptionsHash`, as src/main/core/exchange/candle-sockets.ts does through its
 * `stream`), then one bare watch loop per stream that throws every result away. Bundled and run
 * under plain node.
 *
 * SCALE_BARE = { config, symbols: string[], timeframes: string[] }
 * child → parent: { type: 'live', candles, tickers, startupMs } once every loop has had a result.
 */
import { findCcxtClass } from '../../src/main/core/exchange/ccxt-class';
import { performance } from 'node:perf_hooks';

type Params = { config: Record<string, unknown>; symbols: string[]; timeframes: string[] };
const params = JSON.parse(process.env['SCALE_BARE'] ?? '{}') as Params;
const BATCH = 200;
const PER_SOCKET = 1_024;
/** past ccxt's round-robin socket indexes (options.streamLimits.spot) */
const FIRST_CANDLE_SOCKET = 50;
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Only the binance class, as the app loads it (base/ccxt-modules.ts): the same baseline memory.
const ex = new (findCcxtClass('binance')!)(params.config);
await ex.loadHttpProxyAgent();
await ex.loadMarkets();
const started = performance.now();
const pairs = params.symbols.flatMap((s) => params.timeframes.map((tf) => [s, tf]));
const streamBySubscriptionsHash = ex.options['streamBySubscriptionsHash'] as Record<string, string>;
/** ccxt reads the socket of 'multipleOHLCV' synchronously inside the call */
const onSocketOf = <T>(pairIndex: number, call: () => T): T => {
  streamBySubscriptionsHash['multipleOHLCV'] = String(
    FIRST_CANDLE_SOCKET + Math.floor(pairIndex / PER_SOCKET),
  );
  return call();
};
for (let socket = 0; socket * PER_SOCKET < pairs.length; socket++) {
  const own = pairs.slice(socket * PER_SOCKET, (socket + 1) * PER_SOCKET);
  for (let i = 0; i < own.length; i += BATCH)
    void onSocketOf(socket * PER_SOCKET, () => ex.watchOHLCVForSymbols(own.slice(i, i + BATCH))).catch(
      () => {},
    );
}
for (let i = 0; i < params.symbols.length; i += BATCH)
  void ex.watchTickers(params.symbols.slice(i, i + BATCH)).catch(() => {});

const liveCandles = new Set<string>();
const liveTickers = new Set<string>();
let reported = false;
const report = () => {
  if (reported || liveCandles.size < pairs.length || liveTickers.size < params.symbols.length) return;
  reported = true;
  process.send?.({
    type: 'live',
    candles: liveCandles.size,
    tickers: liveTickers.size,
    startupMs: Math.round(performance.now() - started),
  });
};
async function loop(id: string, live: Set<string>, watch: () => Promise<unknown>) {
  for (;;) {
    try {
      await watch();
      if (!live.has(id)) {
        live.add(id);
        report();
      }
    } catch {
      await pause(1_000);
    }
  }
}
pairs.forEach(([symbol, tf], i) => {
  void loop(`${symbol}|${tf}`, liveCandles, () => onSocketOf(i, () => ex.watchOHLCV(symbol!, tf!)));
});
for (const symbol of params.symbols) void loop(symbol, liveTickers, () => ex.watchTicker(symbol));
