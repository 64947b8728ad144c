import type { SeriesKey } from '../../src/shared/domain/market';
import type { CandleHistory, GapLedger } from '../../src/main/core/candles/ports';
import { createCcxtExchange } from '../../src/main/core/exchange/ccxt-factory';
import { CcxtSource } from '../../src/main/core/exchange/ccxt-source';
import { CandleStream } from '../../src/main/core/feed/candle-stream';
import { systemClock } from '../../src/main/core/base/clock';
import { silentLogger } from '../../src/main/core/base/log';

export type BenchClient = { stop(): Promise<void> };

export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const symbolAt = (i: number) => `C${String(i).padStart(3, '0')}/USDT`;
/** Binance's stream name: how bench/support/fake-exchange-process.ts reports sent frames of every fake */
export const streamName = (symbol: string, tf: string) =>
  `${symbol.replace('/', '').toLowerCase()}@kline_${tf}`;

const noHistory: CandleHistory = { lastClosedOpenTime: () => undefined, recent: () => [] };
const noLedger: GapLedger = { opened: () => 0, filled: () => {}, failed: () => {}, list: () => [] };

/**
 * The engine's candle path on `exchange` as the feed service builds it: one CcxtSource (our ccxt options, Retry-After
 * gate, batched subscriptions) and one CandleStream (watch loop + collector) per series. `emit` is
 * called for every update that leaves the collector.
 */
export function startEngineClient(
  exchange: string,
  config: Record<string, unknown>,
  keys: SeriesKey[],
  emit: (stream: string) => void,
): BenchClient {
  const log = silentLogger();
  const ex = createCcxtExchange(exchange, { enabled: true, sandbox: false, ccxt: config });
  const source = new CcxtSource(exchange, ex, false, { clock: systemClock, log });
  const streams = keys.map(
    (key) =>
      new CandleStream(key, 'websocket', {
        source,
        clock: systemClock,
        log,
        history: noHistory,
        gaps: noLedger,
        warmupCandles: 0,
        emit: (u) => emit(streamName(u.key.symbol, u.key.timeframe)),
        onState: () => {},
      }),
  );
  for (const s of streams) s.start();
  return {
    async stop() {
      await Promise.all(streams.map((s) => s.stop()));
      await source.close();
    },
  };
}
