/**
 * Market data engine bench, on the fake Binance (a child process) with the real ccxt.pro:
 * 1. added latency from the server sending a kline to the candle leaving the collector, side by side
 *    in one run: (a) this engine, (b) a bare ccxt watchOHLCV loop (the floor), (c) a loop sleeping
 *    1 s between watches (what the systems we replace did);
 * 2. sustained candle updates/s at 100 symbols × 3 timeframes, with CPU and event-loop delay;
 * 3. RSS after a soak at that load (`--soak-minutes N`, default 1; the figure is 10).
 * Every contender and the load run bundled under plain node in a process of their own, like the app's
 * main process; this process only starts them and does the arithmetic.
 *
 * Latency of a frame = time from its send to the first update of its stream leaving the collector
 * (clocks: performance.timeOrigin + now() in each process of the one machine).
 */
import { build } from 'esbuild';
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pause, symbolAt } from './support/engine-client';

const LATENCY_SYMBOLS = 20;
const LOAD_SYMBOLS = 100;
const LOAD_TIMEFRAMES = ['1m', '5m', '1h'];
const UPDATE_INTERVAL_MS = 100;
const LATENCY_WINDOW_MS = 10_000;
/** engine and bare loop alternate this many times: the machine's own hiccups hit both alike */
const LATENCY_ROUNDS = 3;
const THROUGHPUT_WINDOW_MS = 10_000;

const here = dirname(fileURLToPath(import.meta.url));
type Message = { type: string } & Record<string, unknown>;

/** A child process spoken to over IPC: send a command, wait for a message of a type. */
class Child {
  private readonly waiting = new Map<string, (m: Message) => void>();
  private readonly backlog: Message[] = [];
  onMessage: ((m: Message) => void) | null = null;

  constructor(readonly process: ChildProcess) {
    process.on('message', (raw) => {
      const m = raw as Message;
      this.onMessage?.(m);
      const w = this.waiting.get(m.type);
      if (w) {
        this.waiting.delete(m.type);
        w(m);
      } else this.backlog.push(m);
    });
  }

  next(type: string): Promise<Message> {
    const i = this.backlog.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.backlog.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      this.waiting.set(type, resolve);
      this.process.once('exit', (code) => reject(new Error(`child exited (${code}) before "${type}"`)));
    });
  }

  send(m: Message): void {
    this.process.send(m);
  }
}

async function startFake(): Promise<Child> {
  const fake = new Child(
    fork(join(here, 'support', 'fake-exchange-process.ts'), {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        FAKE_EXCHANGE_OPTIONS: JSON.stringify({
          symbols: Array.from({ length: LOAD_SYMBOLS }, (_, i) => symbolAt(i)),
          updateIntervalMs: UPDATE_INTERVAL_MS,
        }),
      },
    }),
  );
  return fake;
}

/** median p50 and median p99 over rounds, frames summed */
function medianRound(rounds: Array<{ p50: number; p99: number; frames: number }>) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    p99s: rounds.map((r) => Math.round(r.p99 * 10) / 10).join(' / '),
    frames: rounds.reduce((s, r) => s + r.frames, 0),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Bundles the plain-node children (latency contenders, load) the way the app is bundled. */
async function bundle(): Promise<string> {
  const outdir = join(here, '..', 'node_modules', '.cache', 'candlewatch-bench');
  await build({
    entryPoints: [join(here, 'support', 'engine-load.ts'), join(here, 'support', 'latency-client.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  return outdir;
}

async function measureLatency(
  fake: Child,
  outdir: string,
  config: Record<string, unknown>,
  mode: 'engine' | 'bare' | 'sleep',
) {
  const contender = new Child(
    fork(join(outdir, 'latency-client.mjs'), {
      env: { ...process.env, ENGINE_LATENCY: JSON.stringify({ mode, config, symbols: LATENCY_SYMBOLS }) },
    }),
  );
  await contender.next('live');
  await pause(2_000);
  const sends = new Map<string, number[]>();
  fake.onMessage = (m) => {
    if (m.type !== 'klines') return;
    for (const [stream, at] of m['sent'] as Array<[string, number]>) {
      const list = sends.get(stream);
      if (list) list.push(at);
      else sends.set(stream, [at]);
    }
  };
  fake.send({ type: 'klines', on: true });
  await pause(LATENCY_WINDOW_MS);
  fake.send({ type: 'klines', on: false });
  // Frames sent at the end of the window still get their answer: a sleeping loop can take a second.
  await pause(2_500);
  fake.onMessage = null;
  contender.send({ type: 'stop' });
  const emits = new Map((await contender.next('emits'))['emits'] as Array<[string, number[]]>);
  const latencies: number[] = [];
  for (const [stream, sent] of sends) {
    const out = emits.get(stream) ?? [];
    let j = 0;
    for (const s of sent) {
      while (j < out.length && out[j]! < s) j++;
      if (j < out.length) latencies.push(out[j]! - s);
    }
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), frames: latencies.length };
}

async function measureLoad(fake: Child, outdir: string, config: Record<string, unknown>, soakMs: number) {
  const load = new Child(
    fork(join(outdir, 'engine-load.mjs'), {
      execArgv: ['--expose-gc'],
      env: {
        ...process.env,
        ENGINE_LOAD: JSON.stringify({
          config,
          symbols: LOAD_SYMBOLS,
          timeframes: LOAD_TIMEFRAMES,
          windowMs: THROUGHPUT_WINDOW_MS,
          soakMs,
        }),
      },
    }),
  );
  const live = await load.next('live');
  fake.send({ type: 'stats' });
  const before = (await fake.next('stats'))['stats'] as { framesSent: number };
  const t0 = performance.now();
  load.send({ type: 'measure' });
  const measured = await load.next('measured');
  fake.send({ type: 'stats' });
  const after = (await fake.next('stats'))['stats'] as { framesSent: number };
  const framesPerSecond = Math.round(
    (after.framesSent - before.framesSent) / ((performance.now() - t0) / 1000),
  );
  load.send({ type: 'soak' });
  const soaked = await load.next('soaked');
  return { live, measured, framesPerSecond, soaked };
}

export async function run(flags: Record<string, string> = {}) {
  const soakMinutes = Number(flags['soak-minutes'] ?? 1);
  if (!(soakMinutes >= 0)) throw new Error('--soak-minutes must be a number of minutes, like 10');
  const fake = await startFake();
  try {
    const config = (await fake.next('ready'))['config'] as Record<string, unknown>;
    const outdir = await bundle();
    const rounds: Record<'engine' | 'bare', Array<{ p50: number; p99: number; frames: number }>> = {
      engine: [],
      bare: [],
    };
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      rounds.engine.push(await measureLatency(fake, outdir, config, 'engine'));
      rounds.bare.push(await measureLatency(fake, outdir, config, 'bare'));
    }
    const engine = medianRound(rounds.engine);
    const bare = medianRound(rounds.bare);
    const sleeping = await measureLatency(fake, outdir, config, 'sleep');
    const { live, measured, framesPerSecond, soaked } = await measureLoad(
      fake,
      outdir,
      config,
      soakMinutes * 60_000,
    );
    const ms = (v: number) => Math.round(v * 100) / 100;
    const one = (measure: string, engineValue: unknown) => ({ measure, engine: engineValue });
    return {
      name: 'engine',
      rows: [
        {
          measure: `kline sent → candle out p50 (ms), ${LATENCY_SYMBOLS} × 1s streams, a frame per ${UPDATE_INTERVAL_MS} ms each`,
          engine: ms(engine.p50),
          'bare watchOHLCV': ms(bare.p50),
          'sleep 1 s loop': ms(sleeping.p50),
        },
        {
          measure: `kline sent → candle out p99 (ms), median of ${LATENCY_ROUNDS} alternating rounds`,
          engine: ms(engine.p99),
          'bare watchOHLCV': ms(bare.p99),
          'sleep 1 s loop': ms(sleeping.p99),
        },
        { measure: 'p99 of each round (ms)', engine: engine.p99s, 'bare watchOHLCV': bare.p99s },
        {
          measure: 'frames measured',
          engine: engine.frames,
          'bare watchOHLCV': bare.frames,
          'sleep 1 s loop': sleeping.frames,
        },
        one('engine p99 − bare p99 (ms), target ≤ 2', ms(engine.p99 - bare.p99)),
        one(`streams live (${LOAD_SYMBOLS} symbols × ${LOAD_TIMEFRAMES.join(', ')})`, live['streams']),
        one('time until all were live (ms)', live['startupMs']),
        one('sustained candle updates/s out of the collector', measured['updatesPerSecond']),
        one('frames/s sent by the server (klines)', framesPerSecond),
        one('engine process CPU % of one core', measured['cpuPercent']),
        one('event loop delay p99 (ms)', measured['loopDelayP99Ms']),
        one('soak at that load (min)', soaked['minutes']),
        one('updates/s during the soak', soaked['updatesPerSecond']),
        one('RSS before any stream: node + ccxt (MB)', live['baselineRssMb']),
        one('RSS after the soak (MB), target < 250', soaked['rssMb']),
        one('RSS at each quarter of the soak (MB)', (soaked['rssSamplesMb'] as number[]).join(' / ')),
        one('max RSS during the soak (MB)', soaked['maxRssMb']),
        one('RSS after a GC at the end (MB)', soaked['rssAfterGcMb']),
        one(
          'V8 heap used / committed after that GC (MB)',
          `${soaked['heapAfterGcMb']} / ${soaked['heapTotalMb']}`,
        ),
      ],
    };
  } finally {
    fake.send({ type: 'close' });
    await new Promise((r) => fake.process.once('exit', r));
  }
}
