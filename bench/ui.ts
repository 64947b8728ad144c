/**
 * The UI in Chromium (issue 6): chart first render with 50,000 bars, cost per live update, panning a
 * 50,000-bar chart, the same chart carrying six indicators (issue 13: first render and live frames with
 * their lines and panes), and frames per second of the whole app while 50 symbols tick 10 times a second —
 * next to the same app idle, and the same again with the order book tab open (issue 13: its book
 * and trades tape updated 10 times a second too), in one run.
 *
 * - Chart figures run the real ChartController (bundled with esbuild) on a page of its own, against
 *   an in-page contract that answers candles:history from a generated 50,000-bar series. Answers are
 *   JSON text parsed on every call, as the WebSocket client does.
 * - App figures run the production build (out/renderer) with a fake `window.candlewatch` bridge (the
 *   Electron preload's seam): the real React tree, stores and chart, fed events at a chosen rate.
 * Frame times come from requestAnimationFrame; long tasks from the Long Tasks API.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/e2e/support/chromium';
import { percentile, round } from './support/figures';

const ROOT = resolve(import.meta.dirname, '..');
const RENDERER = join(ROOT, 'out/renderer');
const BARS = 50_000;
/** the same figures with a tenth of the bars, side by side: what the bar count costs */
const SMALL_BARS = 5_000;
const RENDER_RUNS = 5;
const LIVE_UPDATES = 600;
const PAN_MS = 3_000;
const SYMBOLS = 50;
const UPDATES_PER_SECOND = 10;
const APP_WINDOW_MS = 10_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** The chart code alone, for a page without React. */
async function bundleChartHarness(): Promise<string> {
  const out = await build({
    stdin: {
      contents: `
        import { ChartController } from './src/renderer/chart/chart-controller';
        import { readChartColors } from './src/renderer/chart/chart-colors';
        import { defaultRef } from './src/renderer/chart/chart-indicators';
        import { planIndicators } from './src/renderer/chart/indicator-plan';
        window.benchChart = { ChartController, readChartColors, defaultRef, planIndicators };
      `,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function serve(harness: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/harness.html') {
      res.writeHead(200, { 'Content-Type': TYPES['.html']! });
      res.end(
        '<!doctype html><html data-theme="dark"><body style="margin:0"><script src="/harness.js"></script></body></html>',
      );
      return;
    }
    if (path === '/harness.js') {
      res.writeHead(200, { 'Content-Type': TYPES['.js']! });
      res.end(harness);
      return;
    }
    const file = normalize(join(RENDERER, path === '/' ? 'index.html' : path));
    if (!file.startsWith(RENDERER) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({
        server,
        origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      });
    }),
  );
}

/** What the bench pages carry on `window` (types only: the page functions are sent as source). */
type BenchController = {
  load(key: unknown, decimals: number): Promise<void>;
  setIndicators(plan: unknown): void;
  dispose(): void;
};
type BenchWindow = Window & {
  benchChart: {
    ChartController: new (options: unknown) => BenchController;
    readChartColors(): unknown;
    defaultRef(kind: string): { indicator: string };
    planIndicators(indicators: unknown[]): { refs: { indicator: string }[] };
  };
  benchApi: unknown;
  benchEmit(payload: unknown, event?: string): void;
  benchLast(): number[];
  benchFrames: number[];
  benchRaf: number;
  benchTicks(perSecond: number): void;
};

type Stats = { median: number; p95: number; p99: number; mean: number; count: number };

function stats(xs: number[]): Stats {
  return {
    median: percentile(xs, 0.5),
    p95: percentile(xs, 0.95),
    p99: percentile(xs, 0.99),
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    count: xs.length,
  };
}

/**
 * Functions handed to page.evaluate are sent as their source. tsx compiles this file with esbuild's
 * keepNames, which wraps named functions in a `__name(fn, "name")` helper the page does not have:
 * every page gets a no-op one first.
 */
const KEEP_NAMES_SHIM = { content: 'globalThis.__name = (fn) => fn;' };

/**
 * Runs in the page (serialized by Playwright, so it may use nothing from this module): a contract
 * for one chart whose candles:history serves `bars` one-minute candles ending now, answers passed
 * through JSON text like the WebSocket client's.
 */
function installChartContract(bars: number) {
  const MIN = 60_000;
  const end = Math.floor(Date.now() / MIN) * MIN;
  const start = end - (bars - 1) * MIN;
  const candles: number[][] = [];
  let price = 50_000;
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  for (let i = 0; i < bars; i++) {
    const open = price;
    price = Math.max(1, price * (1 + rnd() * 0.004));
    const high = Math.max(open, price) * (1 + Math.abs(rnd()) * 0.001);
    const low = Math.min(open, price) * (1 - Math.abs(rnd()) * 0.001);
    candles.push([
      start + i * MIN,
      round2(open),
      round2(high),
      round2(low),
      round2(price),
      round2(10 + Math.abs(rnd()) * 50),
    ]);
  }
  function round2(n: number) {
    return Math.round(n * 100) / 100;
  }
  const texts = new Map<string, string>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const w = window as unknown as Record<string, unknown>;
  // Indicator values stand in for the core's: the chart's cost of drawing them does not depend on
  // what they are. Lines over the price read the close, the others a constant.
  const OVER_PRICE = ['ema', 'sma', 'wma', 'bollinger', 'vwap'];
  const valueOf = (ref: { indicator: string }, close: number) =>
    OVER_PRICE.includes(ref.indicator) ? close : 50;
  w.benchValueOf = valueOf;
  const answer = (method: string, input: Record<string, number>): unknown => {
    if (method === 'indicators:watch') {
      w.benchWatch = input;
      return {};
    }
    if (method === 'chart:indicators') {
      const refs = (input as unknown as { indicators: { indicator: string }[] }).indicators;
      const rows = candles.filter((c) => c[0]! >= input.from! && c[0]! <= input.to!);
      return { times: rows.map((c) => c[0]), values: refs.map((r) => rows.map((c) => valueOf(r, c[4]!))) };
    }
    if (method !== 'candles:history') return {};
    let rows: number[][];
    if (input.last !== undefined) rows = candles.slice(-input.last);
    else if (input.before !== undefined) {
      const i = candles.findIndex((c) => c[0]! >= input.before!);
      const upTo = i < 0 ? candles.length : i;
      rows = candles.slice(Math.max(0, upTo - input.limit!), upTo);
    } else rows = candles.filter((c) => c[0]! >= input.from! && c[0]! <= input.to!);
    return { series: {}, candles: rows, stored: { first: start, last: end, count: bars }, truncated: false };
  };
  w.benchApi = {
    async call(method: string, input: Record<string, number>) {
      const key = method + JSON.stringify(input);
      let text = texts.get(key);
      if (text === undefined) texts.set(key, (text = JSON.stringify(answer(method, input))));
      return JSON.parse(text);
    },
    on(event: string, listener: (p: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
  };
  w.benchEmit = (payload: unknown, event = 'candles:updated') =>
    listeners.get(event)?.forEach((l) => l(payload));
  w.benchLast = () => candles[candles.length - 1];
}

/** The indicators of the "with indicators" figures: 6 of them, 11 lines, over the price and in 3 panes. */
const BENCH_INDICATORS = ['ema', 'bollinger', 'vwap', 'rsi', 'macd', 'stoch'];

async function chartFigures(page: Page, origin: string, bars: number, indicators: string[] = []) {
  await page.addInitScript(KEEP_NAMES_SHIM);
  await page.goto(`${origin}/harness.html`);
  await page.evaluate(installChartContract, bars);
  const series = { exchange: 'sim', symbol: 'BENCH/USDT', timeframe: '1m' };

  // First render: load() reads 50,000 candles in pages and draws them; the time runs to the paint
  // after (two animation frames). The first run fills the answer cache (the core's serialization).
  const renders = await page.evaluate(
    async ({ runs, bars, key, kinds }) => {
      const w = window as unknown as BenchWindow;
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        document.body.replaceChildren();
        const container = document.createElement('div');
        container.style.cssText = 'position:absolute;inset:0';
        const legend = document.createElement('div');
        document.body.append(container, legend);
        const t0 = performance.now();
        const chart = new w.benchChart.ChartController({
          api: w.benchApi,
          container,
          legend,
          colors: w.benchChart.readChartColors(),
          onStatus: () => {},
          onRuleLineMoved: () => {},
          onDraftLinePlaced: () => {},
          onAtLatestChange: () => {},
          initialBars: bars,
        });
        if (kinds.length > 0) {
          const { planIndicators, defaultRef } = w.benchChart;
          chart.setIndicators(planIndicators(kinds.map((k, j) => ({ id: k, ref: defaultRef(k), color: j }))));
        }
        await chart.load(key, 2);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        if (i > 0) times.push(performance.now() - t0);
        if (Number(container.dataset.bars) !== bars)
          throw new Error(`drew ${container.dataset.bars} bars, not ${bars}`);
        // The last chart stays for the live-update and panning figures.
        if (i < runs) chart.dispose();
      }
      return times;
    },
    { runs: RENDER_RUNS, bars, key: series, kinds: indicators },
  );

  // Live updates: one per frame, the forming candle moving and a new one opening every 60.
  const live = await page.evaluate(
    async ({ updates, key }) => {
      const w = window as unknown as BenchWindow;
      performance.clearMeasures('chart:live-update');
      const last = w.benchLast() as number[];
      let open = last[0]! + 60_000;
      let close = last[4]!;
      const frames: number[] = [];
      let prev = performance.now();
      for (let i = 0; i < updates; i++) {
        close = Math.round(close * (1 + (Math.random() - 0.5) * 0.001) * 100) / 100;
        const forming = [open, close, close + 5, close - 5, close, i];
        const closed = i % 60 === 59 ? [forming] : [];
        if (i % 60 === 59) open += 60_000;
        const formingNow = closed.length ? [open, close, close, close, close, 0] : forming;
        w.benchEmit({ series: key, closed, forming: formingNow, origin: 'live' });
        // The core's answer to the same update: the followed lines' new values.
        const watch = (w as unknown as { benchWatch?: { tag: string; indicators: { indicator: string }[] } })
          .benchWatch;
        const valueOf = (w as unknown as { benchValueOf: (r: unknown, close: number) => number })
          .benchValueOf;
        if (watch && watch.indicators.length > 0) {
          w.benchEmit(
            {
              series: key,
              tag: watch.tag,
              closed: {
                times: closed.map((c) => c[0]),
                values: watch.indicators.map((r) => closed.map((c) => valueOf(r, c[4]!))),
              },
              forming: { time: formingNow[0], values: watch.indicators.map((r) => valueOf(r, close)) },
            },
            'indicators:updated',
          );
        }
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - prev);
        prev = now;
      }
      return { costs: performance.getEntriesByName('chart:live-update').map((e) => e.duration), frames };
    },
    { updates: LIVE_UPDATES, key: series },
  );

  // Panning 50,000 bars: the mouse drags the chart back and forth while frames are timed.
  await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    w.benchFrames = [] as number[];
    let prev = performance.now();
    const tick = () => {
      const now = performance.now();
      w.benchFrames.push(now - prev);
      prev = now;
      if (w.benchFrames.length < 100_000) w.benchRaf = requestAnimationFrame(tick);
    };
    w.benchRaf = requestAnimationFrame(tick);
  });
  // Zoomed out as far as the chart goes (~2,700 bars on screen), then dragged into the past: the drawn
  // window slides on the way.
  await page.mouse.move(700, 400);
  for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 1_000);
  await page.evaluate(() => performance.clearMeasures('chart:draw'));
  const started = Date.now();
  while (Date.now() - started < PAN_MS) {
    await page.mouse.move(200, 400);
    await page.mouse.down();
    await page.mouse.move(1_100, 400, { steps: 20 });
    await page.mouse.up();
  }
  const pan = await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    cancelAnimationFrame(w.benchRaf);
    return (w.benchFrames as number[]).slice(1);
  });
  // Each slide of the drawn window is one redraw ('chart:draw'), measured by the controller.
  const slides = await page.evaluate(() => performance.getEntriesByName('chart:draw').map((e) => e.duration));
  return {
    renders: stats(renders),
    liveCost: stats(live.costs),
    liveFrames: stats(live.frames),
    pan: stats(pan),
    slides,
  };
}

/**
 * Runs in the page before the app (serialized by Playwright): a fake Electron bridge whose core has
 * `symbols` sim symbols in the watchlist, the first one on the chart with 5,000 stored candles, and
 * which pushes tickers and candles when `benchTicks(rate)` is called.
 */
function installFakeBridge(symbols: number) {
  const MIN = 60_000;
  const now = Math.floor(Date.now() / MIN) * MIN;
  const names = Array.from({ length: symbols }, (_, i) => `S${i}/USDT`);
  const watchlist = names.map((symbol) => ({ exchange: 'sim', symbol, timeframes: ['1m'] }));
  const history = Array.from({ length: 5_000 }, (_, i) => {
    const p = 100 + Math.sin(i / 40) * 5 + i * 0.001;
    return [now - (5_000 - i) * MIN, p, p + 0.5, p - 0.5, p + 0.1, 10];
  });
  const settings = {
    exchanges: { sim: { enabled: true, sandbox: false, ccxt: {} } },
    watchlist,
    feed: { staleTimeoutMs: 30_000 },
    appearance: { theme: 'dark' },
    data: { retention: {} },
    notifications: {
      native: { enabled: false },
      toast: { enabled: true },
      sound: {
        enabled: false,
        volume: 0.5,
        byDirection: { BUY: 'rise', SELL: 'fall', INFO: 'ping' },
        urgent: 'alarm',
        repeatEverySeconds: 10,
        quietHours: { enabled: false, start: '22:00', end: '07:00', allowUrgent: true },
      },
      webhook: { enabled: false, url: '', timeoutMs: 5_000, allowLocal: false },
      telegram: { enabled: false, chatId: '', apiBaseUrl: 'https://api.telegram.org', timeoutMs: 5_000 },
    },
  };
  const caps = {
    websocketOhlcv: true,
    multiSymbolOhlcv: false,
    unwatch: true,
    timeframes: ['1m', '5m', '15m', '1h', '4h', '1d'],
    aggregatedTimeframes: [],
    websocketTicker: true,
    websocketOrderBook: true,
    websocketTrades: true,
    orderBook: true,
    closedFlag: false,
    emptyIntervals: 'pushed',
    maxCandlesPerRequest: 1000,
  };
  const answers: Record<string, (input: Record<string, unknown>) => unknown> = {
    'app:info': () => ({
      name: 'Candlewatch',
      version: 'bench',
      mode: 'electron',
      platform: 'linux',
      dataDir: '/tmp',
      startedAt: 0,
    }),
    'settings:get': () => settings,
    'exchanges:list': () => [
      {
        id: 'sim',
        name: 'Simulated exchange',
        status: 'ready',
        error: null,
        sandbox: false,
        simulated: true,
        marketsLoadedAt: 0,
        marketCount: symbols,
        capabilities: caps,
      },
    ],
    'markets:search': (input) =>
      names
        .filter((s) => s.includes(String(input.query ?? '')))
        .map((symbol) => ({
          symbol,
          base: symbol.split('/')[0],
          quote: 'USDT',
          type: 'spot',
          active: true,
          priceTick: 0.01,
          priceDecimals: 2,
          amountDecimals: 4,
        })),
    'candles:history': (input) => {
      const rows =
        'last' in input
          ? history.slice(-Number(input.last))
          : 'before' in input
            ? history.filter((c) => c[0]! < Number(input.before)).slice(-Number(input.limit))
            : [];
      return {
        series: input.series,
        candles: rows,
        stored: { first: history[0]![0], last: history[history.length - 1]![0], count: history.length },
        truncated: false,
      };
    },
    'alerts:list': () => ({ alerts: [], hasMore: false }),
    'alerts:counts': () => ({ total: 0, byStatus: {}, bySignal: {} }),
    'rules:list': () => ({ rules: [], unreadable: [] }),
    'store:stats': () => ({
      databaseBytes: 1e6,
      walBytes: 0,
      totalCandles: 0,
      byTimeframe: [],
      series: [],
      writer: { pending: 0, lastError: null, anomalies: 0 },
    }),
    'chart:indicators': () => ({ times: [], values: [] }),
  };
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const w = window as unknown as Record<string, unknown>;
  w.candlewatch = {
    async call(method: string, input: Record<string, unknown>) {
      const make = answers[method];
      // Answers cross as JSON text, like IPC structured clones or the socket's frames.
      return { ok: true, value: JSON.parse(JSON.stringify(make ? make(input) : [])) };
    },
    onEvent(listener: (event: string, payload: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: string, payload: unknown) =>
    listeners.forEach((l) => l(event, JSON.parse(JSON.stringify(payload))));
  let timer: ReturnType<typeof setInterval> | undefined;
  const tape: { time: number; price: number; amount: number; side: string }[] = [];
  w.benchTicks = (perSecond: number) => {
    if (timer) clearInterval(timer);
    if (perSecond === 0) return;
    // Every 10 ms a slice of the symbols ticks, so each gets `perSecond` updates a second.
    const perSlice = (names.length * perSecond) / 100;
    let cursor = 0;
    let carry = 0;
    let forming = history[history.length - 1]![0]! + MIN;
    timer = setInterval(() => {
      carry += perSlice;
      for (; carry >= 1; carry--) {
        const i = cursor++ % names.length;
        const last = 100 + Math.sin(Date.now() / 5_000 + i) * 5;
        emit('ticker:updated', {
          exchange: 'sim',
          symbol: names[i],
          time: Date.now(),
          last,
          bid: last - 0.01,
          ask: last + 0.01,
          changePercent24h: Math.sin(i) * 3,
          quoteVolume24h: 1e6,
        });
        if (i === 0) {
          // A 20-level book and a 50-trade tape, as the core sends them (only shown with the book tab).
          const level = (k: number, side: number) => [last + side * (0.01 + k * 0.01), 1 + ((k * 7) % 5)];
          emit('orderbook:updated', {
            exchange: 'sim',
            symbol: names[0],
            time: Date.now(),
            bids: Array.from({ length: 20 }, (_, k) => level(k, -1)),
            asks: Array.from({ length: 20 }, (_, k) => level(k, 1)),
            synced: true,
          });
          tape.push({ time: Date.now(), price: last, amount: 0.5, side: tape.length % 3 ? 'buy' : 'sell' });
          if (tape.length > 50) tape.shift();
          emit('trades:updated', { exchange: 'sim', symbol: names[0], trades: tape });
          if (Date.now() > forming + MIN) forming += MIN;
          emit('candles:updated', {
            series: { exchange: 'sim', symbol: names[0], timeframe: '1m' },
            closed: [],
            forming: [forming, 100, last + 1, last - 1, last, 5],
            origin: 'live',
          });
        }
      }
    }, 10);
  };
}

async function appFigures(browser: Browser, origin: string, bottomTab: 'streams' | 'book') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(KEEP_NAMES_SHIM);
  await page.addInitScript(installFakeBridge, SYMBOLS);
  await page.addInitScript(() =>
    localStorage.setItem(
      'candlewatch.layout.v1',
      JSON.stringify({
        chart: { exchange: 'sim', symbol: 'S0/USDT' },
        timeframe: '1m',
        bottomTab,
      }),
    ),
  );
  await page.goto(`${origin}/`);
  await page.waitForFunction(
    () => document.querySelector<HTMLElement>('[data-testid="chart"]')?.dataset.status === 'ready',
  );
  await page
    .locator('.watch-row')
    .nth(SYMBOLS - 1)
    .waitFor();
  // Picked as a user does (the saved layout's tab is not what this run measures).
  await page.getByRole('tab', { name: bottomTab === 'book' ? 'Order book' : 'Streams' }).click();

  const measure = (rate: number) =>
    page.evaluate(
      async ({ rate, ms }) => {
        const w = window as unknown as BenchWindow;
        w.benchTicks(rate);
        await new Promise((r) => setTimeout(r, 1_000));
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) =>
          list.getEntries().forEach((e) => longTasks.push(e.duration)),
        );
        observer.observe({ type: 'longtask', buffered: false });
        const frames: number[] = [];
        const start = performance.now();
        let prev = start;
        await new Promise<void>((done) => {
          const tick = () => {
            const now = performance.now();
            frames.push(now - prev);
            prev = now;
            if (now - start < ms) requestAnimationFrame(tick);
            else done();
          };
          requestAnimationFrame(tick);
        });
        observer.disconnect();
        w.benchTicks(0);
        const price =
          document.querySelector('.watch-row[data-symbol="S7/USDT"] .watch-price')?.textContent ?? '';
        return { frames: frames.slice(1), seconds: (prev - start) / 1000, longTasks, price };
      },
      { rate, ms: APP_WINDOW_MS },
    );
  const idle = await measure(0);
  const ticking = await measure(UPDATES_PER_SECOND);
  const bookRows = await page.getByTestId('book-bid').count();
  await page.close();
  if (!/\d/.test(ticking.price))
    throw new Error('the watchlist never showed a price: the ticks did not arrive');
  if (bottomTab === 'book' && bookRows === 0) throw new Error('the order book tab never showed a book');
  return { idle, ticking };
}

export async function run(): Promise<{ name: string; rows: Record<string, unknown>[] }> {
  if (!existsSync(join(RENDERER, 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  const { server, origin } = await serve(await bundleChartHarness());
  const browser = await launchChromium();
  try {
    const chartAt = async (bars: number, indicators: string[] = []) => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const figures = await chartFigures(page, origin, bars, indicators);
      await page.close();
      return figures;
    };
    const small = await chartAt(SMALL_BARS);
    const chart = await chartAt(BARS);
    const withIndicators = await chartAt(SMALL_BARS, BENCH_INDICATORS);
    const app = await appFigures(browser, origin, 'streams');
    const withBook = await appFigures(browser, origin, 'book');
    const fps = (r: { frames: number[]; seconds: number }) => r.frames.length / r.seconds;
    const idleFps = fps(app.idle);
    const tickFps = fps(app.ticking);
    const bookFps = fps(withBook.ticking);
    const frameRow = (name: string, s: Stats, extra: Record<string, unknown> = {}) => ({
      case: name,
      'median ms': round(s.median, 2),
      'p95 ms': round(s.p95, 2),
      'p99 ms': round(s.p99, 2),
      ...extra,
    });
    return {
      name: 'ui',
      rows: [
        ...[small, chart].flatMap((c, k) => {
          const n = (k === 0 ? SMALL_BARS : BARS).toLocaleString('en');
          return [
            frameRow(`chart first render, ${n} bars (load + draw + paint)`, c.renders, {
              runs: c.renders.count,
            }),
            frameRow(`live update, ${n} bars: chart work per update`, c.liveCost, {
              updates: c.liveCost.count,
            }),
            frameRow(`live update, ${n} bars: frame time, one update per frame`, c.liveFrames, {
              fps: round(1000 / c.liveFrames.mean, 1),
            }),
            frameRow(`panning ${n} bars: frame time`, c.pan, {
              fps: round(1000 / c.pan.mean, 1),
              'window slides': c.slides.length,
              'slide ms (median)': c.slides.length ? round(stats(c.slides).median, 2) : '',
            }),
          ];
        }),
        frameRow(
          `chart first render, ${SMALL_BARS.toLocaleString('en')} bars + ${BENCH_INDICATORS.length} indicators (${BENCH_INDICATORS.join(', ')})`,
          withIndicators.renders,
          { runs: withIndicators.renders.count },
        ),
        frameRow(
          `live update, ${SMALL_BARS.toLocaleString('en')} bars + ${BENCH_INDICATORS.length} indicators: frame time, one update per frame`,
          withIndicators.liveFrames,
          { fps: round(1000 / withIndicators.liveFrames.mean, 1) },
        ),
        frameRow('app idle: frame time', stats(app.idle.frames), {
          fps: round(idleFps, 1),
          'long tasks': app.idle.longTasks.length,
        }),
        frameRow(
          `app, ${SYMBOLS} symbols × ${UPDATES_PER_SECOND} updates/s + live chart: frame time`,
          stats(app.ticking.frames),
          {
            fps: round(tickFps, 1),
            'fps ticking ÷ idle': round(tickFps / idleFps, 2),
            'long tasks': app.ticking.longTasks.length,
            'long task ms': round(
              app.ticking.longTasks.reduce((a, b) => a + b, 0),
              0,
            ),
          },
        ),
        frameRow(
          `app, ${SYMBOLS} symbols × ${UPDATES_PER_SECOND} updates/s + live chart + order book & trades tab: frame time`,
          stats(withBook.ticking.frames),
          {
            fps: round(bookFps, 1),
            'fps ticking ÷ idle': round(bookFps / fps(withBook.idle), 2),
            'long tasks': withBook.ticking.longTasks.length,
            'long task ms': round(
              withBook.ticking.longTasks.reduce((a, b) => a + b, 0),
              0,
            ),
          },
        ),
      ],
    };
  } finally {
    await browser.close();
    server.close();
  }
}
