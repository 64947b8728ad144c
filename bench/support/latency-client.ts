/**
 * One latency contender of bench/engine.ts, bundled and run under plain node in a process of its
 * own so the contenders do not share (or disturb) the measuring process:
 * ENGINE_LATENCY = { mode: 'engine' | 'bare' | 'sleep', exchange, timeframe, config, symbols }
 * (exchange: the ccxt id of the fake the config points at, default 'binance'; timeframe default '1s').
 *
 * child → parent: { type: 'live' } when every stream delivered, then, after { type: 'stop' },
 * { type: 'emits', emits: [stream, times[]][] } (times as performance.timeOrigin + now()).
 */
import ccxt from 'ccxt';
import { performance } from 'node:perf_hooks';
import { pause, startEngineClient, streamName, symbolAt, type BenchClient } from './engine-client';

type Params = {
  mode: 'engine' | 'bare' | 'sleep';
  exchange?: string;
  timeframe?: string;
  config: Record<string, unknown>;
  symbols: number;
};

const params = JSON.parse(process.env['ENGINE_LATENCY'] ?? '{}') as Params;
const send = (m: unknown) => process.send?.(m);
const exchange = params.exchange ?? 'binance';
const keys = Array.from({ length: params.symbols }, (_, i) => ({
  exchange,
  symbol: symbolAt(i),
  timeframe: params.timeframe ?? '1s',
}));
const emits = new Map<string, number[]>();
const emit = (stream: string) => {
  const t = performance.timeOrigin + performance.now();
  const list = emits.get(stream);
  if (list) list.push(t);
  else emits.set(stream, [t]);
};

/** (b) bare watchOHLCV loops; (c) the same sleeping `sleepMs` between watches */
async function startLoops(sleepMs: number): Promise<BenchClient> {
  const Exchange = ccxt.pro[exchange as 'binance'];
  const ex = new Exchange(params.config);
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
  let stopped = false;
  const loops = keys.map(async ({ symbol, timeframe }) => {
    const name = streamName(symbol, timeframe);
    while (!stopped) {
      try {
        await ex.watchOHLCV(symbol, timeframe);
        emit(name);
        if (sleepMs > 0) await pause(sleepMs);
      } catch {
        if (!stopped) await pause(100);
      }
    }
  });
  return {
    async stop() {
      stopped = true;
      await ex.close();
      await Promise.allSettled(loops);
    },
  };
}

const client =
  params.mode === 'engine'
    ? startEngineClient(exchange, params.config, keys, emit)
    : await startLoops(params.mode === 'sleep' ? 1_000 : 0);
while (emits.size < keys.length) await pause(100);
send({ type: 'live' });

process.on('message', (raw) => {
  if ((raw as { type: string }).type !== 'stop') return;
  void client.stop().then(() => {
    send({ type: 'emits', emits: [...emits] });
    process.exit(0);
  });
});
