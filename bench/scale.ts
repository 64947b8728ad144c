/**
 * `npm run bench -- scale`: the whole headless app (feed, candle collector, SQLite writer, rules, the
 * contract server) at 300, 1,000, 3,000 and 6,000 candle streams (symbols × 1m, 5m, 1h, plus a ticker
 * per symbol) against the fake Binance pushing at Binance's own cadence — a kline every 2 s per
 * stream and a ticker every 2 s per symbol (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams:
 * "Update Speed: 2000ms" for klines, "1000ms" for <symbol>@ticker; the fake pushes both at 2 s) —
 * and, in the same run, a bare ccxt loop over the same streams (the floor: what ccxt alone costs).
 *
 * Each contender runs in a process of its own, measured from outside (/proc: CPU of one core, RSS)
 * and from inside by a preloaded probe (event-loop delay p99), after every stream is live and the
 * start-up backfill is done, for a settle period and then a measuring window. The app is then stopped
 * (SIGTERM flushes the writer) and its database counted: closed 1m candles stored against expected.
 * The fake exchange's own process carries the same probe: its CPU and loop delay while each
 * contender starts tell whether a slow start is the exchange's (a starved fake) or the contender's.
 *
 * Flags: --streams 300,1000,3000,6000 · --settle-seconds 20 · --window-seconds 30 ·
 * --cpu-prof DIR (writes a V8 CPU profile of the app's measuring window at each size into DIR, and
 * the fake exchange's own profile of its whole run, fake.cpuprofile) ·
 * --app-log DIR (the app logs at info level, written to DIR/app-N.log when it stops).
 */
import Database from 'better-sqlite3';
import { fork, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { createWsClient } from '../src/shared/contract/ws-client';
import { HEADLESS_ENV, HEADLESS_V8_FLAGS } from '../src/main/headless/v8-flags';
import { startHeadless } from '../tests/e2e/support/headless-process';
import { bundleChildren } from './support/bundle';
import { symbolAt } from './support/engine-client';
import { round } from './support/figures';

const here = dirname(fileURLToPath(import.meta.url));
export const TIMEFRAMES = ['1m', '5m', '1h'];
/** Binance's kline push interval (see above) */
const PUSH_INTERVAL_MS = 2_000;
const MINUTE = 60_000;
const CLOCK_TICKS_PER_SECOND = 100;

/** RSS, and its anonymous (heap, malloc) and file-backed (binaries, the database's mmap) parts */
type Rss = { rssMb: number; rssAnonMb: number; rssFileMb: number };
/**
 * `loopDelayMaxMs`: the longest stall, which a p99 over minutes hides when it happens once;
 * `heapUsedMb` / `heapTotalMb`: V8's live objects and committed heap at the end (part of RssAnon)
 */
type Sample = {
  cpuPercent: number;
  /** the part of cpuPercent spent on V8's helper threads (v8HelperSeconds) */
  v8HelperPercent: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  heapUsedMb: number;
  heapTotalMb: number;
};
type ProbeReport = { p99Ms: number; maxMs: number; heapUsedMb: number; heapTotalMb: number };
type Usage = Sample & Rss;
/** `fakeAtStart`: the fake exchange's process while this contender started (to all live) */
type Measured = Usage & { liveAfterS: number; liveStreams: number; fakeAtStart: Sample };

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`scale bench: ${line}\n`);
let lastProgress = 0;
/** a progress line at most every 10 s */
const progress = (line: string) => {
  if (performance.now() - lastProgress < 10_000) return;
  lastProgress = performance.now();
  log(line);
};

/** utime + stime in seconds from a /proc stat line (fields 14 and 15) */
function statSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** utime + stime of a process in seconds, all its threads */
const cpuSeconds = (pid: number): number => statSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/**
 * utime + stime of a process's `V8Worker` threads: V8's helpers, which mark and sweep the heap
 * and scavenge in parallel (and compile). Where the app's CPU above bare ccxt's went to GC, it
 * shows here: at 999 streams 3.5 % of a core against bare's 1.5 %, before two per-update promotions
 * went (docs/architecture.md).
 */
function v8HelperSeconds(pid: number): number {
  let seconds = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'V8Worker') seconds += statSeconds(stat);
  }
  return seconds;
}

/**
 * File-backed RSS (binaries, a mapped file) is memory the kernel may drop at will, unlike the heap.
 * Both parts are shown so a difference from bare ccxt can be placed: the app's database was mapped
 * once and showed there (store/database.ts says why it no longer is).
 */
function rss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) =>
    Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024);
  return { rssMb: mb('VmRSS'), rssAnonMb: mb('RssAnon'), rssFileMb: mb('RssFile') };
}

/**
 * CPU % of one core and event-loop delay p99 of a probed process from now until `stop()`. The
 * probe reports the p99 since its previous SIGUSR2, so the first signal starts the span.
 */
function startSampling(pid: number, probeFile: string): { stop(): Promise<Sample> } {
  process.kill(pid, 'SIGUSR2');
  const cpu0 = cpuSeconds(pid);
  const helpers0 = v8HelperSeconds(pid);
  const t0 = performance.now();
  return {
    async stop() {
      const cpu = cpuSeconds(pid) - cpu0;
      const helpers = v8HelperSeconds(pid) - helpers0;
      const seconds = (performance.now() - t0) / 1000;
      const written = readFileSync(probeFile, 'utf8');
      process.kill(pid, 'SIGUSR2');
      // The probe writes in its signal handler; a read between its truncate and its write sees '':
      // wait for a new, whole report.
      let probe: ProbeReport | null = null;
      for (let i = 0; i < 400 && probe === null; i++) {
        const text = readFileSync(probeFile, 'utf8');
        if (text !== written && text !== '') probe = JSON.parse(text) as ProbeReport;
        else await pause(25);
      }
      if (probe === null) throw new Error('the loop probe wrote no report after SIGUSR2');
      return {
        cpuPercent: round((cpu / seconds) * 100, 1),
        v8HelperPercent: round((helpers / seconds) * 100, 1),
        loopDelayP99Ms: round(probe.p99Ms, 1),
        loopDelayMaxMs: round(probe.maxMs),
        heapUsedMb: round(probe.heapUsedMb),
        heapTotalMb: round(probe.heapTotalMb),
      };
    },
  };
}

/** Settles, then measures a window: CPU % of one core, RSS at its end, event-loop delay p99. */
export async function measureWindow(
  pid: number,
  probeFile: string,
  settleS: number,
  windowS: number,
): Promise<Usage> {
  await pause(settleS * 1000);
  const sampling = startSampling(pid, probeFile);
  await pause(windowS * 1000);
  return { ...(await sampling.stop()), ...rss(pid) };
}

type FakeStats = {
  restCalls: number;
  framesSent: number;
  connections: number;
  subscriptions: string[];
  streamLimitHits: number;
};
type FakeProcess = {
  config: Record<string, unknown>;
  stats(): Promise<FakeStats>;
  /** the fake's own CPU and event-loop delay from now until stop(): is the exchange keeping up? */
  sample(): { stop(): Promise<Sample> };
  close(): Promise<void>;
};

/** `cpuProfDir`: where node writes the fake's own CPU profile of its whole run when it exits */
export async function startFake(
  symbols: string[],
  probeUrl: string,
  work: string,
  cpuProfDir?: string,
): Promise<FakeProcess> {
  const probeFile = join(work, 'fake-probe.json');
  writeFileSync(probeFile, '');
  const profile = cpuProfDir
    ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', 'fake.cpuprofile']
    : [];
  const child = fork(join(here, 'support', 'fake-exchange-process.ts'), {
    execArgv: ['--import', 'tsx', '--import', probeUrl, ...profile],
    env: {
      ...process.env,
      LOOP_PROBE_FILE: probeFile,
      FAKE_EXCHANGE_OPTIONS: JSON.stringify({
        symbols,
        updateIntervalMs: PUSH_INTERVAL_MS,
        historyMs: 86_400_000,
      }),
    },
  });
  let statsWaiter: ((stats: FakeStats) => void) | null = null;
  const config = await new Promise<Record<string, unknown>>((done, fail) => {
    child.on('message', (m) => {
      const message = m as { type: string; config?: Record<string, unknown>; stats?: FakeStats };
      if (message.type === 'ready') done(message.config!);
      if (message.type === 'stats') statsWaiter?.(message.stats!);
    });
    child.once('exit', (code) => fail(new Error(`fake exchange exited (${code})`)));
  });
  return {
    config,
    stats: () =>
      new Promise<FakeStats>((done) => {
        statsWaiter = done;
        child.send({ type: 'stats' });
      }),
    sample: () => startSampling(child.pid!, probeFile),
    async close() {
      child.send({ type: 'close' });
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A price rule on every tenth symbol's 1m series: the rule engine runs as in a user's app. */
export function appConfig(exchangeConfig: Record<string, unknown>, symbols: string[]) {
  return {
    exchanges: { binance: { enabled: true, sandbox: false, ccxt: exchangeConfig } },
    watchlist: symbols.map((symbol) => ({ exchange: 'binance', symbol, timeframes: TIMEFRAMES })),
    rules: symbols
      .filter((_, i) => i % 10 === 0)
      .map((symbol) => ({
        name: `${symbol} above 1M`,
        exchange: 'binance',
        symbol,
        timeframe: '1m',
        when: { type: 'price-cross', direction: 'above', level: 1_000_000 },
        evaluate: 'close',
        trigger: 'once-per-bar',
        signal: 'BUY',
      })),
  };
}

type StreamRow = { kind: string; state: string; reconnects: number };

async function measureApp(
  fake: FakeProcess,
  symbols: string[],
  opts: {
    settleS: number;
    windowS: number;
    probeUrl: string;
    cpuProfDir: string | undefined;
    appLogDir: string | undefined;
  },
): Promise<Measured & { stored: number; expected: number; reconnects: number }> {
  const work = mkdtempSync(join(tmpdir(), 'cw-scale-'));
  const configFile = join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...appConfig(fake.config, symbols),
      ...(process.env.STALE ? { feed: { staleTimeoutMs: Number(process.env.STALE) } } : {}),
    }),
  );
  const probeFile = join(work, 'probe.json');
  writeFileSync(probeFile, '');
  const profile = opts.cpuProfDir
    ? { LOOP_PROBE_PROFILE: join(opts.cpuProfDir, `app-${symbols.length * TIMEFRAMES.length}.cpuprofile`) }
    : {};
  const started = performance.now();
  const fakeSampling = fake.sample();
  const streamCount = symbols.length * TIMEFRAMES.length;
  const app = await startHeadless(
    ['--config', configFile, '--log-level', opts.appLogDir ? 'info' : 'error'],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: [`--import ${opts.probeUrl}`, process.env['SCALE_APP_NODE_OPTIONS'] ?? ''].join(' '),
        LOOP_PROBE_FILE: probeFile,
        ...profile,
      },
      keepDataDir: true,
    },
  );
  const api = createWsClient(
    `ws://127.0.0.1:${app.port}/ws?token=${encodeURIComponent(app.token)}`,
    (url) => new WebSocket(url, { headers: { Origin: app.origin } }) as never,
  );
  try {
    // The bench's client declares that it shows nothing, as the app's own window does as soon as it
    // connects (it then names only its chart and visible tickers). Undeclared, it would get every
    // candle and ticker event, the contract's default for scripts that only listen: at 999 streams
    // serialising and sending those ~700 events a second took a sixth of the app's main thread (CPU
    // profile, --cpu-prof), a cost of the harness, not of the monitor (chart-cpu measures what an
    // open chart costs).
    await api.call('events:subscribe', {});
    const wanted = symbols.length * TIMEFRAMES.length;
    const deadline = performance.now() + Math.max(180_000, wanted * 100);
    let live = 0;
    while (performance.now() < deadline) {
      const streams = (await api.call('streams:list', {})) as StreamRow[];
      live = streams.filter((s) => s.kind === 'candles' && s.state === 'live').length;
      if (live >= wanted) break;
      const states = new Map<string, number>();
      for (const s of streams) if (s.kind === 'candles') states.set(s.state, (states.get(s.state) ?? 0) + 1);
      if (performance.now() - lastProgress >= 10_000) {
        const { restCalls, framesSent, connections, subscriptions, streamLimitHits } = await fake.stats();
        // what the exchange sees: a start-up that stalls with frames flowing is the app's to explain
        progress(
          `app after ${round((performance.now() - started) / 1000)} s: ${[...states].map(([k, n]) => `${n} ${k}`).join(', ')}; ` +
            `the fake: ${restCalls} REST calls, ${connections} sockets, ${subscriptions.length} streams subscribed, ` +
            `${framesSent} frames sent, ${streamLimitHits} sockets closed for too many streams`,
        );
      }
      await pause(1_000);
    }
    const liveAfterS = round((performance.now() - started) / 1000, 1);
    log(`app: ${live}/${wanted} candle streams live after ${liveAfterS} s`);
    const fakeAtStart = await fakeSampling.stop();
    const liveFrom = Date.now();
    const usage = await measureWindow(app.pid, probeFile, opts.settleS, opts.windowS);
    const streams = (await api.call('streams:list', {})) as StreamRow[];
    const liveStreams = streams.filter((s) => s.kind === 'candles' && s.state === 'live').length;
    const reconnects = streams.reduce((n, s) => n + s.reconnects, 0);
    api.close();
    const stoppedAt = Date.now();
    await app.stop();
    const counted = countStored(join(app.dataDir, 'candlewatch.sqlite'), symbols, liveFrom, stoppedAt);
    return { ...usage, liveAfterS, liveStreams, fakeAtStart, reconnects, ...counted };
  } finally {
    api.close();
    await app.stop();
    if (opts.appLogDir) writeFileSync(join(opts.appLogDir, `app-${streamCount}.log`), app.stderr());
    rmSync(app.dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Closed 1m candles stored for every symbol, from the minute before measuring began to the last
 * minute that closed a push interval before the stop (its closing push had time to arrive), against
 * one per minute per symbol.
 */
function countStored(file: string, symbols: string[], from: number, to: number) {
  const first = Math.floor(from / MINUTE) * MINUTE - MINUTE;
  const last = Math.floor((to - 2 * PUSH_INTERVAL_MS) / MINUTE) * MINUTE - MINUTE;
  const db = new Database(file, { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT count(*) AS n FROM candles c JOIN series s ON s.id = c.series_id
         WHERE s.exchange = 'binance' AND s.timeframe = '1m' AND c.open_time BETWEEN ? AND ?`,
      )
      .get(first, last) as { n: number };
    return { stored: row.n, expected: symbols.length * ((last - first) / MINUTE + 1) };
  } finally {
    db.close();
  }
}

async function measureBare(
  outdir: string,
  fake: FakeProcess,
  symbols: string[],
  opts: { settleS: number; windowS: number; probeUrl: string },
): Promise<Measured> {
  const work = mkdtempSync(join(tmpdir(), 'cw-scale-bare-'));
  const probeFile = join(work, 'probe.json');
  writeFileSync(probeFile, '');
  const started = performance.now();
  const fakeSampling = fake.sample();
  const child = fork(join(outdir, 'scale-bare.mjs'), {
    execArgv: ['--import', opts.probeUrl, ...HEADLESS_V8_FLAGS],
    // the floor runs with the app's own runtime tuning (the app re-executes itself with it)
    env: {
      ...HEADLESS_ENV,
      ...process.env,
      LOOP_PROBE_FILE: probeFile,
      SCALE_BARE: JSON.stringify({ config: fake.config, symbols, timeframes: TIMEFRAMES }),
    },
  });
  try {
    const live = await new Promise<{ candles: number }>((done, fail) => {
      child.on('message', (m) => {
        const message = m as { type: string; candles: number };
        if (message.type === 'live') done(message);
      });
      child.once('exit', (code) => fail(new Error(`bare ccxt loop exited (${code})`)));
    });
    const liveAfterS = round((performance.now() - started) / 1000, 1);
    log(`bare: ${live.candles} candle streams live after ${liveAfterS} s`);
    const fakeAtStart = await fakeSampling.stop();
    const usage = await measureWindow(child.pid!, probeFile, opts.settleS, opts.windowS);
    return { ...usage, liveAfterS, liveStreams: live.candles, fakeAtStart };
  } finally {
    child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

export async function run(flags: Record<string, string> = {}) {
  const sizes = (flags['streams'] ?? '300,1000,3000,6000').split(',').map(Number);
  if (sizes.some((n) => !(Number.isInteger(n) && n >= TIMEFRAMES.length)))
    throw new Error('--streams takes a comma-separated list of stream counts, like 300,1000,3000');
  const settleS = Number(flags['settle-seconds'] ?? 20);
  const windowS = Number(flags['window-seconds'] ?? 30);
  const cpuProfDir = flags['cpu-prof'] ? resolve(flags['cpu-prof']) : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  const appLogDir = flags['app-log'] ? resolve(flags['app-log']) : undefined;
  if (appLogDir) mkdirSync(appLogDir, { recursive: true });
  if (!existsSync(resolve('out/main/headless.js'))) {
    log('building the app (npm run build)');
    execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const outdir = await bundleChildren(join(here, 'support'), ['scale-bare', 'loop-probe']);
  const probeUrl = pathToFileURL(join(outdir, 'loop-probe.mjs')).href;

  const results: Array<{ streams: number; app: Awaited<ReturnType<typeof measureApp>>; bare: Measured }> = [];
  for (const size of sizes) {
    const symbols = Array.from({ length: Math.round(size / TIMEFRAMES.length) }, (_, i) => symbolAt(i));
    const streams = symbols.length * TIMEFRAMES.length;
    log(
      `${streams} candle streams (${symbols.length} symbols × ${TIMEFRAMES.join(', ')}) + ${symbols.length} tickers`,
    );
    const fake = await startFake(symbols, probeUrl, outdir, cpuProfDir);
    try {
      const app = await measureApp(fake, symbols, { settleS, windowS, probeUrl, cpuProfDir, appLogDir });
      log(`app: ${app.cpuPercent} % CPU, loop p99 ${app.loopDelayP99Ms} ms, ${app.rssMb} MB`);
      const bare = await measureBare(outdir, fake, symbols, { settleS, windowS, probeUrl });
      log(`bare: ${bare.cpuPercent} % CPU, loop p99 ${bare.loopDelayP99Ms} ms, ${bare.rssMb} MB`);
      results.push({ streams, app, bare });
    } finally {
      await fake.close();
    }
  }

  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : NaN);
  const rows: Record<string, unknown>[] = results.map(({ streams, app, bare }) => ({
    'candle streams': streams,
    'app CPU % of a core': app.cpuPercent,
    'bare ccxt CPU %': bare.cpuPercent,
    'app / bare CPU': ratio(app.cpuPercent, bare.cpuPercent),
    "of which V8's helper threads (GC): app / bare": `${app.v8HelperPercent} / ${bare.v8HelperPercent}`,
    'app loop delay p99 (ms)': app.loopDelayP99Ms,
    'bare loop delay p99 (ms)': bare.loopDelayP99Ms,
    'app RSS (MB)': app.rssMb,
    'bare RSS (MB)': bare.rssMb,
    'RSS anon / file (MB): app': `${app.rssAnonMb} / ${app.rssFileMb}`,
    'RSS anon / file (MB): bare': `${bare.rssAnonMb} / ${bare.rssFileMb}`,
    'JS heap used / committed (MB): app': `${app.heapUsedMb} / ${app.heapTotalMb}`,
    'JS heap used / committed (MB): bare': `${bare.heapUsedMb} / ${bare.heapTotalMb}`,
    'app RSS per 1,000 streams above bare (MB)': round(((app.rssMb - bare.rssMb) / streams) * 1000),
    'all live after (s): app / bare': `${app.liveAfterS} / ${bare.liveAfterS}`,
    'fake exchange while app / bare started: CPU %, loop p99 / max ms': `${app.fakeAtStart.cpuPercent}, ${app.fakeAtStart.loopDelayP99Ms} / ${app.fakeAtStart.loopDelayMaxMs} | ${bare.fakeAtStart.cpuPercent}, ${bare.fakeAtStart.loopDelayP99Ms} / ${bare.fakeAtStart.loopDelayMaxMs}`,
    'app streams live at the end': app.liveStreams,
    'app stream reconnects, start to end': app.reconnects,
    'closed 1m candles stored / expected': `${app.stored} / ${app.expected}`,
  }));
  const at = (n: number) => results.find((r) => r.streams === n);
  const [k1, k3] = [at(999) ?? at(1000), at(3000) ?? at(2999)];
  if (k1 && k3)
    rows.push({
      'candle streams': '3,000 ÷ 1,000 (target ≤ 3.3)',
      'app CPU % of a core': ratio(k3.app.cpuPercent, k1.app.cpuPercent),
      'bare ccxt CPU %': ratio(k3.bare.cpuPercent, k1.bare.cpuPercent),
    });
  return { name: 'scale', rows };
}
