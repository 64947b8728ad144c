/**
 * Market data engine bench, on the fake Binance (a child process) with the real ccxt.pro:
 * 1. added latency from the server sending a kline to the candle leaving the collector, side by side
 *    in one run: (a) this engine, (b) a bare ccxt watchOHLCV loop (the floor), (c) a loop sleeping
 *    1 s between watches (what the systems we replace did); then the same (a) against (b) on the
 *    fake OKX and the fake Bybit (tests/support/fake-exchange/protocols), with engine ÷ bare ratios
 *    (issue 16) — on 1m streams there, since neither exchange streams 1s candles;
 * 2. sustained candle updates/s at 100 symbols × 3 timeframes, with CPU and event-loop delay;
 * 3. RSS after a soak at that load (`--soak-minutes N`, default 1; the figure is 10).
 * Every contender and the load run bundled under plain node in a process of their own, like the app's
 * main process, with the V8 flags the headless product runs with (src/main/headless/v8-flags.ts);
 * the engine also runs with node's defaults, side by side, to show what those flags cost and save.
 * This process only starts them and does the arithmetic. `--latency-rounds N` (default 6).
 *
 * Latency of a frame = time from its send to the first update of its stream leaving the collector
 * (clocks: performance.timeOrigin + now() in each process of the one machine).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundleChildren } from './support/bundle';
import { pause, symbolAt } from './support/engine-client';
import { HEADLESS_ENV, HEADLESS_V8_FLAGS } from '../src/main/headless/v8-flags';
import { percentile, round } from './support/figures';
import type { MemorySnapshot } from './support/memory-snapshot';

const LATENCY_SYMBOLS = 20;
const LOAD_SYMBOLS = 100;
const LOAD_TIMEFRAMES = ['1m', '5m', '1h'];
const UPDATE_INTERVAL_MS = 100;
const LATENCY_WINDOW_MS = 10_000;
/**
 * Latency rounds: every contender once per round, the order alternating from round to round
 * (a·b·c, c·b·a, …), so the machine's own hiccups (other processes on its 2 cores) hit all alike.
 * One round's p99 is the 20th worst of ~2,000 frames: a single stall moves it by tens of ms, so
 * the table shows every round, the spread, and the engine − bare difference within each round.
 */
const DEFAULT_LATENCY_ROUNDS = 6;
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

/**
 * The other venues of the latency table: their fakes push a forming candle every update interval
 * like the Binance one. OKX and Bybit offer no 1s candles (ccxt's OKX timeframes lack `1s`; Bybit's
 * kline intervals start at 1 minute), so their streams are 1m: every push is still one frame.
 */
const OTHER_VENUES = [
  { exchange: 'okx', name: 'OKX', timeframe: '1m' },
  { exchange: 'bybit', name: 'Bybit', timeframe: '1m' },
] as const;

async function startFake(protocol = 'binance', symbols = LOAD_SYMBOLS): Promise<Child> {
  const fake = new Child(
    fork(join(here, 'support', 'fake-exchange-process.ts'), {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        FAKE_EXCHANGE_PROTOCOL: protocol,
        FAKE_EXCHANGE_OPTIONS: JSON.stringify({
          symbols: Array.from({ length: symbols }, (_, i) => symbolAt(i)),
          updateIntervalMs: UPDATE_INTERVAL_MS,
        }),
      },
    }),
  );
  return fake;
}

type Round = { p50: number; p99: number; frames: number; latencies: number[] };

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const spread = (xs: readonly number[]) => `${round(Math.min(...xs), 1)} … ${round(Math.max(...xs), 1)}`;
const list = (xs: readonly number[]) => xs.map((x) => round(x, 1)).join(' / ');

/** one contender's rounds: medians, spread, and the p99 of all its frames pooled */
function summarize(rounds: readonly Round[]) {
  const pooled = rounds.flatMap((r) => r.latencies);
  return {
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    p99s: rounds.map((r) => r.p99),
    pooledP99: percentile(pooled, 0.99),
    pooledP999: percentile(pooled, 0.999),
    frames: pooled.length,
  };
}

/** The plain-node children (latency contenders, load), bundled the way the app is bundled. */
const bundle = () => bundleChildren(join(here, 'support'), ['engine-load', 'latency-client']);

type Runtime = { name: string; execArgv: readonly string[]; env: Readonly<Record<string, string>> };
/**
 * what the product's headless process runs with (src/main/headless/v8-flags.ts); as there, a variable
 * the environment already sets keeps its value
 */
const PRODUCT: Runtime = { name: 'product V8 flags', execArgv: HEADLESS_V8_FLAGS, env: HEADLESS_ENV };
const NODE_DEFAULTS: Runtime = { name: 'node defaults', execArgv: [], env: {} };

type Contender = {
  label: string;
  mode: 'engine' | 'bare' | 'sleep';
  runtime: Runtime;
  /** the fake's ccxt id and the streams' timeframe; default binance, 1s */
  exchange?: string;
  timeframe?: string;
};

async function measureLatency(
  fake: Child,
  outdir: string,
  config: Record<string, unknown>,
  { mode, runtime, exchange, timeframe }: Contender,
): Promise<Round> {
  const contender = new Child(
    fork(join(outdir, 'latency-client.mjs'), {
      execArgv: [...runtime.execArgv],
      env: {
        ...runtime.env,
        ...process.env,
        ENGINE_LATENCY: JSON.stringify({ mode, exchange, timeframe, config, symbols: LATENCY_SYMBOLS }),
      },
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
  await pause(mode === 'sleep' ? 2_500 : 500);
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
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    frames: latencies.length,
    latencies,
  };
}

/**
 * Starts the engine on 100 symbols × 3 timeframes in a process of its own with `runtime`'s flags,
 * measures a throughput window, then soaks for `soakMs` (0: stops after the window).
 */
async function measureLoad(
  fake: Child,
  outdir: string,
  config: Record<string, unknown>,
  runtime: Runtime,
  soakMs: number,
  onProgress: (m: Message) => void,
) {
  const load = new Child(
    fork(join(outdir, 'engine-load.mjs'), {
      execArgv: ['--expose-gc', ...runtime.execArgv],
      env: {
        ...runtime.env,
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
  load.onMessage = (m) => {
    if (m.type === 'progress') onProgress(m);
  };
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
  return {
    live: live as unknown as LoadLive,
    measured: measured as unknown as LoadMeasured,
    framesPerSecond,
    soaked: soaked as unknown as LoadSoaked,
  };
}

type LoadLive = { streams: number; startupMs: number; baseline: MemorySnapshot };
type LoadMeasured = {
  updatesPerSecond: number;
  cpuPercent: number;
  loopDelayP99Ms: number;
  memory: MemorySnapshot;
};
type LoadSoaked = {
  minutes: number;
  updatesPerSecond: number;
  maxRssMb: number;
  beforeGc: MemorySnapshot;
  afterGc: MemorySnapshot;
  quarters: MemorySnapshot[];
};

/** rounds of every contender, the order alternating from round to round (a·b·c, c·b·a, …) */
async function latencyRounds(
  fake: Child,
  outdir: string,
  config: Record<string, unknown>,
  contenders: readonly Contender[],
  rounds: number,
): Promise<Round[][]> {
  const results: Round[][] = contenders.map(() => []);
  for (let i = 0; i < rounds; i++) {
    const order = contenders.map((_, k) => (i % 2 === 0 ? k : contenders.length - 1 - k));
    for (const k of order) {
      const r = await measureLatency(fake, outdir, config, contenders[k]!);
      results[k]!.push(r);
      log(
        `latency round ${i + 1}/${rounds} ${contenders[k]!.label}: p50 ${round(r.p50, 2)} p99 ${round(r.p99, 1)} ms`,
      );
    }
  }
  return results;
}

/** engine and bare watchOHLCV on one other venue's fake, in rounds like Binance's */
async function venueLatency(outdir: string, venue: (typeof OTHER_VENUES)[number], rounds: number) {
  const fake = await startFake(venue.exchange, LATENCY_SYMBOLS);
  try {
    const config = (await fake.next('ready'))['config'] as Record<string, unknown>;
    const contenders: Contender[] = (['engine', 'bare'] as const).map((mode) => ({
      label: `${venue.name} ${mode}`,
      mode,
      runtime: PRODUCT,
      exchange: venue.exchange,
      timeframe: venue.timeframe,
    }));
    const [engineRounds, bareRounds] = await latencyRounds(fake, outdir, config, contenders, rounds);
    return {
      engine: summarize(engineRounds!),
      bare: summarize(bareRounds!),
      paired: engineRounds!.map((r, i) => r.p99 - bareRounds![i]!.p99),
    };
  } finally {
    await closeFake(fake);
  }
}

async function closeFake(fake: Child): Promise<void> {
  fake.send({ type: 'close' });
  await new Promise((r) => fake.process.once('exit', r));
}

const log = (line: string) => process.stderr.write(`engine bench: ${line}\n`);
const heapLine = (m: MemorySnapshot) =>
  `rss ${m.rss} (anon ${m.rssAnon ?? '?'}) · V8 committed ${m.heapCommitted}, used ${m.heapUsed} · new ${m.spaces['new'] ?? 0} / old ${m.spaces['old'] ?? 0} / large ${m.spaces['large_object'] ?? 0}`;

export async function run(flags: Record<string, string> = {}) {
  const soakMinutes = Number(flags['soak-minutes'] ?? 1);
  if (!(soakMinutes >= 0)) throw new Error('--soak-minutes must be a number of minutes, like 10');
  const rounds = Number(flags['latency-rounds'] ?? DEFAULT_LATENCY_ROUNDS);
  if (!(Number.isInteger(rounds) && rounds >= 1))
    throw new Error('--latency-rounds must be a whole number ≥ 1');
  const fake = await startFake();
  try {
    const config = (await fake.next('ready'))['config'] as Record<string, unknown>;
    const outdir = await bundle();
    const contenders: Contender[] = [
      { label: 'engine', mode: 'engine', runtime: PRODUCT },
      { label: 'bare watchOHLCV', mode: 'bare', runtime: PRODUCT },
      { label: 'engine, node defaults', mode: 'engine', runtime: NODE_DEFAULTS },
    ];
    const [engineRounds, bareRounds, defaultRounds] = await latencyRounds(
      fake,
      outdir,
      config,
      contenders,
      rounds,
    );
    const engine = summarize(engineRounds!);
    const bare = summarize(bareRounds!);
    const engineDefaults = summarize(defaultRounds!);
    const paired = engineRounds!.map((r, i) => r.p99 - bareRounds![i]!.p99);
    const sleeping = await measureLatency(fake, outdir, config, {
      label: 'sleep 1 s loop',
      mode: 'sleep',
      runtime: PRODUCT,
    });
    const venues: Array<[(typeof OTHER_VENUES)[number], Awaited<ReturnType<typeof venueLatency>>]> = [];
    for (const venue of OTHER_VENUES) venues.push([venue, await venueLatency(outdir, venue, rounds)]);

    const progress = (m: Message) =>
      log(`soak ${String(m['minutes'])} min: ${heapLine(m['snapshot'] as MemorySnapshot)}`);
    log('load with node defaults (throughput window only)');
    const defaults = await measureLoad(fake, outdir, config, NODE_DEFAULTS, 0, progress);
    log(`load with ${PRODUCT.execArgv.join(' ')}, soak ${soakMinutes} min`);
    const product = await measureLoad(fake, outdir, config, PRODUCT, soakMinutes * 60_000, progress);

    const ms = (v: number) => round(v, 2);
    const RATIO = 'engine ÷ bare';
    const ratio = (a: number, b: number) => round(a / b, 2);
    const productCol = `engine (${PRODUCT.execArgv.join(' ')})`;
    const defaultCol = 'engine (node defaults)';
    const loadRow = (measure: string, pick: (l: typeof product) => unknown) => ({
      measure,
      [productCol]: pick(product),
      [defaultCol]: pick(defaults),
    });
    const one = (measure: string, value: unknown) => ({ measure, [productCol]: value });
    const soaked = product.soaked;
    return {
      name: 'engine',
      rows: [
        {
          measure: `kline sent → candle out p50 (ms), ${LATENCY_SYMBOLS} × 1s streams, a frame per ${UPDATE_INTERVAL_MS} ms each; median of ${rounds} rounds`,
          engine: ms(engine.p50),
          'bare watchOHLCV': ms(bare.p50),
          'engine, node defaults': ms(engineDefaults.p50),
          'sleep 1 s loop': ms(sleeping.p50),
          [RATIO]: ratio(engine.p50, bare.p50),
        },
        {
          measure: `p99 (ms), median of ${rounds} interleaved rounds [min … max]`,
          engine: `${ms(engine.p99)} [${spread(engine.p99s)}]`,
          'bare watchOHLCV': `${ms(bare.p99)} [${spread(bare.p99s)}]`,
          'engine, node defaults': `${ms(engineDefaults.p99)} [${spread(engineDefaults.p99s)}]`,
          'sleep 1 s loop': ms(sleeping.p99),
          [RATIO]: ratio(engine.p99, bare.p99),
        },
        {
          measure: 'p99 of each round (ms)',
          engine: list(engine.p99s),
          'bare watchOHLCV': list(bare.p99s),
          'engine, node defaults': list(engineDefaults.p99s),
        },
        {
          measure: 'p99 / p99.9 of all rounds’ frames pooled (ms)',
          engine: `${ms(engine.pooledP99)} / ${ms(engine.pooledP999)}`,
          'bare watchOHLCV': `${ms(bare.pooledP99)} / ${ms(bare.pooledP999)}`,
          'engine, node defaults': `${ms(engineDefaults.pooledP99)} / ${ms(engineDefaults.pooledP999)}`,
        },
        {
          measure: 'frames measured',
          engine: engine.frames,
          'bare watchOHLCV': bare.frames,
          'engine, node defaults': engineDefaults.frames,
          'sleep 1 s loop': sleeping.frames,
        },
        {
          measure: 'engine p99 − bare p99 of the same round (ms): median [min … max]; target ≤ 2',
          engine: `${ms(median(paired))} [${spread(paired)}]`,
        },
        ...venues.flatMap(([venue, v]) => [
          {
            measure: `${venue.name}: candle sent → candle out p50 (ms), ${LATENCY_SYMBOLS} × ${venue.timeframe} streams, a frame per ${UPDATE_INTERVAL_MS} ms each; median of ${rounds} rounds`,
            engine: ms(v.engine.p50),
            'bare watchOHLCV': ms(v.bare.p50),
            [RATIO]: ratio(v.engine.p50, v.bare.p50),
          },
          {
            measure: `${venue.name}: p99 (ms), median of ${rounds} interleaved rounds [min … max]`,
            engine: `${ms(v.engine.p99)} [${spread(v.engine.p99s)}]`,
            'bare watchOHLCV': `${ms(v.bare.p99)} [${spread(v.bare.p99s)}]`,
            [RATIO]: ratio(v.engine.p99, v.bare.p99),
          },
          {
            measure: `${venue.name}: frames measured; engine p99 − bare p99 of the same round (ms): median [min … max]`,
            engine: `${v.engine.frames}; ${ms(median(v.paired))} [${spread(v.paired)}]`,
            'bare watchOHLCV': v.bare.frames,
          },
        ]),
        loadRow(
          `streams live (${LOAD_SYMBOLS} symbols × ${LOAD_TIMEFRAMES.join(', ')})`,
          (l) => l.live.streams,
        ),
        loadRow('time until all were live (ms)', (l) => l.live.startupMs),
        loadRow('sustained candle updates/s out of the collector', (l) => l.measured.updatesPerSecond),
        loadRow('frames/s sent by the server (klines)', (l) => l.framesPerSecond),
        loadRow('engine process CPU % of one core', (l) => l.measured.cpuPercent),
        loadRow('event loop delay p99 (ms)', (l) => l.measured.loopDelayP99Ms),
        loadRow('RSS before any stream: node + ccxt (MB)', (l) => l.live.baseline.rss),
        loadRow(`RSS after the ${THROUGHPUT_WINDOW_MS / 1000} s window (MB)`, (l) => l.measured.memory.rss),
        loadRow('V8 new space committed after the window (MB)', (l) => l.measured.memory.spaces['new']),
        one('soak at that load (min)', soaked.minutes),
        one('updates/s during the soak', soaked.updatesPerSecond),
        one('RSS after the soak (MB), target < 250', soaked.beforeGc.rss),
        one('RSS at each quarter of the soak (MB)', soaked.quarters.map((q) => q.rss).join(' / ')),
        one('max RSS during the soak (MB)', soaked.maxRssMb),
        one(
          'V8 committed at each quarter: new / old / large objects (MB)',
          soaked.quarters
            .map((q) => `${q.spaces['new'] ?? 0}/${q.spaces['old'] ?? 0}/${q.spaces['large_object'] ?? 0}`)
            .join(' · '),
        ),
        one(
          'RSS outside V8’s committed heap at each quarter (MB)',
          soaked.quarters.map((q) => round(q.rss - q.heapCommitted)).join(' / '),
        ),
        one('RSS after a GC at the end (MB)', soaked.afterGc.rss),
        one(
          'V8 heap used / committed after that GC (MB)',
          `${soaked.afterGc.heapUsed} / ${soaked.afterGc.heapCommitted}`,
        ),
      ],
    };
  } finally {
    await closeFake(fake);
  }
}
