/**
 * `npm run bench -- chart-cpu`: the core's CPU at 300 live candle streams (100 symbols × 1m, 5m, 1h,
 * plus a ticker per symbol) against the fake Binance at Binance's cadence (bench/scale.ts says
 * which), side by side in one run: first with no client attached, then with a browser client — the
 * headless mode's own page in headless Chromium — showing one stream's chart with six indicators
 * (11 lines over the price and in three panes) that move live with every update.
 *
 * The same app process is measured three times (CPU of one core from /proc, event-loop delay p99
 * from the preloaded probe, RSS), each after a settle period: alone, with the chart, and alone
 * again once the browser closed. The difference is what an open chart costs the core (its candle
 * and indicator events, the subscription bookkeeping, the socket); the two windows without a
 * client bracket it and show the run's own drift. "CPU ÷ no client" divides by their mean.
 *
 * Flags: --streams 300 · --settle-seconds 10 · --window-seconds 20.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { createWsClient } from '../src/shared/contract/ws-client';
import { indicatorRefSchema } from '../src/shared/domain/indicator';
import { launchChromium } from '../tests/e2e/support/chromium';
import { startHeadless } from '../tests/e2e/support/headless-process';
import { TIMEFRAMES, appConfig, measureWindow, startFake } from './scale';
import { bundleChildren } from './support/bundle';
import { symbolAt } from './support/engine-client';
import { round } from './support/figures';

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`chart-cpu bench: ${line}\n`);
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The ui bench's six indicators with their default parameters: 11 lines, over the price and in 3 panes. */
export const INDICATORS = ['ema', 'bollinger', 'vwap', 'rsi', 'macd', 'stoch'].map((indicator) =>
  indicatorRefSchema.parse({ indicator }),
);

type StreamRow = { kind: string; state: string };

/**
 * Opens the app's page with a saved layout: `symbol`'s 1m chart with INDICATORS. Resolves once the
 * chart is drawn with its panes; the returned function counts the chart's live updates since then.
 */
async function openChart(browser: Browser, url: string, symbol: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.addInitScript(
    ({ symbol, indicators }) =>
      localStorage.setItem(
        'candlewatch.layout.v1',
        JSON.stringify({
          chart: { exchange: 'binance', symbol },
          timeframe: '1m',
          onboardingDismissed: true,
          indicators: indicators.map((ref, i) => ({ id: `bench-${i}`, ref, color: i })),
        }),
      ),
    { symbol, indicators: INDICATORS },
  );
  await page.goto(url);
  // Price + RSI, MACD and Stochastic panes: every indicator was read back from the layout.
  await page.waitForFunction(
    () => {
      const el = document.querySelector<HTMLElement>('[data-testid="chart"]');
      const panes = JSON.parse(el?.dataset.panes ?? '[]') as unknown[];
      return el?.dataset.status === 'ready' && Number(el.dataset.bars ?? 0) > 0 && panes.length === 4;
    },
    undefined,
    { timeout: 60_000 },
  );
  // Every new last price the chart draws moves data-last-close: the chart is live, not just open.
  await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="chart"]')!;
    const w = window as unknown as { benchUpdates: number };
    w.benchUpdates = 0;
    new MutationObserver(() => w.benchUpdates++).observe(el, { attributeFilter: ['data-last-close'] });
  });
  return {
    updates: () => page.evaluate(() => (window as unknown as { benchUpdates: number }).benchUpdates),
    problems,
  };
}

export async function run(flags: Record<string, string> = {}) {
  const wanted = Number(flags['streams'] ?? 300);
  if (!(Number.isInteger(wanted) && wanted >= TIMEFRAMES.length))
    throw new Error('--streams takes a stream count, like 300');
  const settleS = Number(flags['settle-seconds'] ?? 10);
  const windowS = Number(flags['window-seconds'] ?? 20);
  if (!existsSync(resolve('out/main/headless.js')) || !existsSync(resolve('out/renderer/index.html'))) {
    log('building the app (npm run build)');
    execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const outdir = await bundleChildren(join(here, 'support'), ['loop-probe']);
  const probeUrl = pathToFileURL(join(outdir, 'loop-probe.mjs')).href;
  const symbols = Array.from({ length: Math.round(wanted / TIMEFRAMES.length) }, (_, i) => symbolAt(i));
  const streams = symbols.length * TIMEFRAMES.length;
  log(
    `${streams} candle streams (${symbols.length} symbols × ${TIMEFRAMES.join(', ')}) + ${symbols.length} tickers`,
  );

  const work = mkdtempSync(join(tmpdir(), 'cw-chart-cpu-'));
  const fake = await startFake(symbols, probeUrl, work).catch((err: unknown) => {
    rmSync(work, { recursive: true, force: true });
    throw err;
  });
  const configFile = join(work, 'config.json');
  writeFileSync(configFile, JSON.stringify(appConfig(fake.config, symbols)));
  const probeFile = join(work, 'probe.json');
  writeFileSync(probeFile, '');
  const started = performance.now();
  let app: Awaited<ReturnType<typeof startHeadless>> | undefined;
  let browser: Browser | undefined;
  try {
    app = await startHeadless(['--config', configFile, '--log-level', 'error'], {
      env: { ...process.env, NODE_OPTIONS: `--import ${probeUrl}`, LOOP_PROBE_FILE: probeFile },
    });
    const { origin } = app;
    const api = createWsClient(
      `ws://127.0.0.1:${app.port}/ws?token=${encodeURIComponent(app.token)}`,
      (url) => new WebSocket(url, { headers: { Origin: origin } }) as never,
    );
    const liveCount = async () =>
      ((await api.call('streams:list', {})) as StreamRow[]).filter(
        (s) => s.kind === 'candles' && s.state === 'live',
      ).length;
    const deadline = performance.now() + 120_000;
    let live = 0;
    while ((live = await liveCount()) < streams && performance.now() < deadline) await pause(1_000);
    const liveAfterS = round((performance.now() - started) / 1000, 1);
    log(`${live}/${streams} candle streams live after ${liveAfterS} s`);
    if (live < streams) throw new Error(`only ${live} of ${streams} candle streams went live in 120 s`);
    // No client at all while the first window runs: not even this one.
    api.close();

    const alone = await measureWindow(app.pid, probeFile, settleS, windowS);
    log(`no client: ${alone.cpuPercent} % CPU, loop p99 ${alone.loopDelayP99Ms} ms`);

    browser = await launchChromium();
    const chart = await openChart(browser, app.url, symbols[0]!);
    const before = await chart.updates();
    const withChart = await measureWindow(app.pid, probeFile, settleS, windowS);
    const updates = (await chart.updates()) - before;
    log(`chart open: ${withChart.cpuPercent} % CPU, loop p99 ${withChart.loopDelayP99Ms} ms`);
    if (updates === 0) throw new Error('the chart drew no live update while it was measured');
    if (chart.problems.length > 0) throw new Error(`the page failed: ${chart.problems.join('; ')}`);
    // No client again: on a shared machine the two "none" windows show how far the figures drift
    // by themselves, which is what a difference with the chart open must exceed to mean anything.
    await browser.close();
    browser = undefined;
    const after = await measureWindow(app.pid, probeFile, settleS, windowS);
    log(`no client again: ${after.cpuPercent} % CPU, loop p99 ${after.loopDelayP99Ms} ms`);

    const row = (client: string, usage: typeof alone, extra: Record<string, unknown>) => ({
      client,
      'candle streams': streams,
      'core CPU % of a core': usage.cpuPercent,
      'core loop delay p99 (ms)': usage.loopDelayP99Ms,
      'core RSS (MB)': usage.rssMb,
      ...extra,
    });
    // against the mean of the two windows without a client, around it
    const noClient = (alone.cpuPercent + after.cpuPercent) / 2;
    const ratio = (usage: typeof alone) => (noClient > 0 ? round(usage.cpuPercent / noClient, 2) : NaN);
    return {
      name: 'chart-cpu',
      rows: [
        row('none', alone, { 'chart updates drawn': '', 'CPU ÷ no client': ratio(alone) }),
        row(`browser: ${symbols[0]} 1m chart + ${INDICATORS.length} indicators`, withChart, {
          'chart updates drawn': updates,
          'CPU ÷ no client': ratio(withChart),
        }),
        row('none again (browser closed)', after, {
          'chart updates drawn': '',
          'CPU ÷ no client': ratio(after),
        }),
      ],
    };
  } finally {
    await browser?.close();
    await app?.stop();
    await fake.close();
    rmSync(work, { recursive: true, force: true });
  }
}
