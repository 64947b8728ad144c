/**
 * The load and soak half of bench/engine.ts, run bundled under plain node (as the app's main
 * process runs: no tsx loader, whose worker alone adds ~100 MB of RSS) with --expose-gc.
 *
 * parent → child: { type: 'measure' } | { type: 'soak' }
 * child → parent: { type: 'live', baseline } | { type: 'measured', … } | { type: 'soaked', … }
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pause, startEngineClient, symbolAt } from './engine-client';
import { memorySnapshot, type MemorySnapshot } from './memory-snapshot';

type Params = {
  config: Record<string, unknown>;
  symbols: number;
  timeframes: string[];
  windowMs: number;
  soakMs: number;
};

const params = JSON.parse(process.env['ENGINE_LOAD'] ?? '{}') as Params;
const send = (m: unknown) => process.send?.(m);
const mb = (bytes: number) => Math.round(bytes / 1e6);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

// What the process holds before any stream: node + ccxt loaded, nothing subscribed.
await import('ccxt');
gc();
const baseline = memorySnapshot();

const keys = Array.from({ length: params.symbols }, (_, i) =>
  params.timeframes.map((timeframe) => ({ exchange: 'binance', symbol: symbolAt(i), timeframe })),
).flat();
let updates = 0;
const live = new Set<string>();
const client = startEngineClient('binance', params.config, keys, (stream) => {
  updates++;
  live.add(stream);
});
const started = performance.now();
while (live.size < keys.length && performance.now() - started < 120_000) await pause(100);
const startupMs = Math.round(performance.now() - started);
await pause(2_000);
send({
  type: 'live',
  streams: live.size,
  startupMs,
  baseline,
});

process.on('message', (raw) => {
  const command = (raw as { type: string }).type;
  if (command === 'measure') void measure();
  if (command === 'soak') void soak();
});

async function measure() {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const updates0 = updates;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pause(params.windowMs);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  send({
    type: 'measured',
    updatesPerSecond: Math.round((updates - updates0) / seconds),
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 1000) / 10,
    loopDelayP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
    memory: memorySnapshot(),
  });
}

async function soak() {
  let maxRss = process.memoryUsage().rss;
  const updates0 = updates;
  const t0 = performance.now();
  // Memory at each quarter of the soak, space by space: flat means V8's heap sizing, climbing
  // would mean a leak, and the spaces say which part of the heap holds the RSS.
  const quarters: MemorySnapshot[] = [];
  let nextSample = params.soakMs / 4;
  while (performance.now() - t0 < params.soakMs) {
    await pause(Math.min(5_000, Math.max(0, params.soakMs - (performance.now() - t0))));
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    if (performance.now() - t0 >= nextSample) {
      const snapshot = memorySnapshot();
      quarters.push(snapshot);
      send({ type: 'progress', minutes: Math.round((performance.now() - t0) / 6e3) / 10, snapshot });
      nextSample += params.soakMs / 4;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const beforeGc = memorySnapshot();
  gc();
  const afterGc = memorySnapshot();
  await client.stop();
  send({
    type: 'soaked',
    minutes: Math.round((seconds / 60) * 10) / 10,
    updatesPerSecond: Math.round((updates - updates0) / seconds),
    maxRssMb: mb(maxRss),
    beforeGc,
    afterGc,
    quarters,
  });
  process.exit(0);
}
