import BetterSqlite3 from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import { DATABASE_FILE } from '../src/main/core/store/database';
import type { Candle } from '../src/shared/domain/market';
import { alignTime, timeframeMs } from '../src/shared/timeframe';
import { startFakeExchange, type FakeExchange } from '../tests/support/fake-exchange';

/**
 * `npm run test:crash` (issue 4, DESIGN invariant 6): CYCLES times, start headless mode against the
 * fake exchange with a fast stream and a rule that fires on nearly every 1s candle, `kill -9` it at a
 * random moment while it writes, then check the file it left:
 * - `PRAGMA integrity_check` is ok;
 * - every alert a client was told about (an `alert:fired` event on the WebSocket) is in the database;
 * - after the next start has backfilled, every stored series equals the fake exchange's truth over
 *   its whole stored range: no hole, no duplicate, no changed value.
 * Each process's stderr is kept in the run folder, which is left in place when a cycle fails.
 */

const CYCLES = Number(process.env.CRASH_CYCLES ?? 20);
const ALIVE_MS = { min: 1_500, max: 5_000 };
const READY_TIMEOUT_MS = 90_000;
const CATCH_UP_TIMEOUT_MS = 60_000;
const ROOT = resolve(import.meta.dirname, '..');
/** The built headless entry, as `npm run serve` runs it (test:crash builds first). */
const ENTRY = resolve(ROOT, process.env.CANDLEWATCH_HEADLESS_ENTRY ?? 'out/main/headless.js');
const WATCH: { symbol: string; timeframes: string[] }[] = [
  { symbol: 'BTC/USDT', timeframes: ['1s', '1m'] },
  { symbol: 'ETH/USDT', timeframes: ['1s', '1m'] },
  { symbol: 'SOL/USDT', timeframes: ['1s', '1m'] },
];

type Instance = { proc: ChildProcess; url: URL; exited: Promise<number | null>; stderrFile: string };
type Reported = { id: number; ruleName: string; candleTime: number };

function startInstance(
  dataDir: string,
  configFile: string | undefined,
  stderrFile: string,
): Promise<Instance> {
  const args = [ENTRY, '--data-dir', dataDir, '--port', '0'];
  if (configFile) args.push('--config', configFile);
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr!.pipe(createWriteStream(stderrFile));
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no ready line within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      ready({ proc, url: new URL((JSON.parse(line) as { url: string }).url), exited, stderrFile });
    });
    void exited.then((code) => fail(new Error(`headless exited with ${code} before it was ready`)));
  });
}

/** The contract over the instance's WebSocket, as a browser tab would use it. */
function connect(instance: Instance, onAlert: (a: Reported) => void) {
  const { url } = instance;
  const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, {
    origin: `http://${url.host}`,
  });
  let nextId = 1;
  const pending = new Map<number, (r: { ok: boolean; value?: unknown; error?: unknown }) => void>();
  ws.on('error', () => {}); // the kill ends the socket; that is the test
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as {
      t: string;
      id?: number;
      event?: string;
      payload?: { alert: Reported };
      result?: { ok: boolean; value?: unknown; error?: unknown };
    };
    if (frame.t === 'event' && frame.event === 'alert:fired' && frame.payload) onAlert(frame.payload.alert);
    if (frame.t === 'result' && frame.id !== undefined) pending.get(frame.id)?.(frame.result!);
  });
  const opened = new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  const call = async (method: string, input: unknown) => {
    await opened;
    const id = nextId++;
    return new Promise<{ ok: boolean; value?: unknown; error?: unknown }>((done) => {
      pending.set(id, done);
      ws.send(JSON.stringify({ t: 'call', id, method, input }));
    });
  };
  return { opened, call, close: () => ws.terminate() };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Waits until every watched series has its last closed candle stored (backfill and live caught up). */
async function caughtUp(call: ReturnType<typeof connect>['call']): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  for (;;) {
    let behind = 0;
    for (const { symbol, timeframes } of WATCH) {
      for (const timeframe of timeframes) {
        const lastClosed = alignTime(Date.now(), timeframe) - timeframeMs(timeframe);
        const r = await call('candles:history', {
          series: { exchange: 'binance', symbol, timeframe },
          last: 1,
        });
        const stored = (r.value as { stored: { last: number } | null } | undefined)?.stored;
        // One period of slack: the candle that just closed may still be in the writer's 250 ms batch.
        if (!stored || stored.last < lastClosed - timeframeMs(timeframe)) behind++;
      }
    }
    if (behind === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${behind} series still behind after ${CATCH_UP_TIMEOUT_MS} ms`);
    await sleep(250);
  }
}

type SeriesCheck = { series: string; stored: number; ok: boolean; detail: string };

/** Every stored series against the truth over its stored range (read-only, beside the running instance). */
function compareWithTruth(dbFile: string, fake: FakeExchange): SeriesCheck[] {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const series = db.prepare('SELECT id, symbol, timeframe FROM series').all() as {
      id: number;
      symbol: string;
      timeframe: string;
    }[];
    const rowsOf = db
      .prepare(
        'SELECT open_time, open, high, low, close, volume FROM candles WHERE series_id = ? ORDER BY open_time',
      )
      .raw();
    return series.map(({ id, symbol, timeframe }) => {
      const stored = rowsOf.all(id) as Candle[];
      const name = `${symbol} ${timeframe}`;
      if (stored.length === 0) return { series: name, stored: 0, ok: false, detail: 'nothing stored' };
      const truth = fake.truth(symbol, timeframe, stored[0]![0], stored.at(-1)![0]);
      if (isDeepStrictEqual(stored, truth))
        return { series: name, stored: stored.length, ok: true, detail: '' };
      const i = stored.findIndex((c, k) => !isDeepStrictEqual(c, truth[k]));
      return {
        series: name,
        stored: stored.length,
        ok: false,
        detail: `${stored.length} stored vs ${truth.length} true; first difference at #${i}: stored ${JSON.stringify(stored[i])}, truth ${JSON.stringify(truth[i])}`,
      };
    });
  } finally {
    db.close();
  }
}

/** What the kill left: integrity, and the reported alerts that are missing. */
function checkAfterKill(
  dbFile: string,
  reported: Map<number, Reported>,
): { integrity: string; missing: number[] } {
  // Opened read-write like the next start would: the WAL is recovered, nothing else is changed.
  const db = new BetterSqlite3(dbFile);
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
    const find = db.prepare(
      'SELECT rule_name AS ruleName, candle_time AS candleTime FROM alerts WHERE id = ?',
    );
    const missing = [...reported.values()]
      .filter((a) => {
        const row = find.get(a.id) as { ruleName: string; candleTime: number } | undefined;
        return !row || row.ruleName !== a.ruleName || row.candleTime !== a.candleTime;
      })
      .map((a) => a.id);
    return { integrity, missing };
  } finally {
    db.close();
  }
}

async function main(): Promise<number> {
  if (!existsSync(ENTRY)) {
    console.error(`crash test: no ${ENTRY}; run \`npm run build\` first (npm run test:crash does)`);
    return 1;
  }
  const runDir = mkdtempSync(join(tmpdir(), 'candlewatch-crash-'));
  const dataDir = join(runDir, 'data');
  mkdirSync(dataDir);
  const dbFile = join(dataDir, DATABASE_FILE);
  const fake = await startFakeExchange({
    symbols: WATCH.map((w) => w.symbol),
    updateIntervalMs: 20,
    historyMs: 86_400_000,
    seed: 4,
  });
  const configFile = join(runDir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
      watchlist: WATCH.map((w) => ({ exchange: 'binance', ...w })),
      rules: [
        {
          name: 'BTC moved',
          exchange: 'binance',
          symbol: 'BTC/USDT',
          timeframe: '1s',
          when: { type: 'percent-move', direction: 'either', percent: 0.0001, candles: 1 },
          evaluate: 'close',
          trigger: 'once-per-bar',
          signal: 'INFO',
        },
      ],
    }),
  );

  const reported = new Map<number, Reported>();
  const rows: Record<string, unknown>[] = [];
  let failures = 0;
  let instance: Instance | undefined;
  try {
    for (let cycle = 1; cycle <= CYCLES + 1; cycle++) {
      const stderrFile = join(runDir, `cycle-${cycle}.stderr.log`);
      // The config seeds settings and rules once; later starts find them in the database.
      instance = await startInstance(dataDir, cycle === 1 ? configFile : undefined, stderrFile);
      const client = connect(instance, (a) => reported.set(a.id, a));
      await client.opened;
      let series: SeriesCheck[] = [];
      if (cycle > 1) {
        await caughtUp(client.call);
        series = compareWithTruth(dbFile, fake);
      }
      const row: Record<string, unknown> = {
        cycle,
        'series equal truth': cycle === 1 ? '(first start)' : series.every((s) => s.ok) ? 'yes' : 'NO',
        candles: series.reduce((n, s) => n + s.stored, 0),
      };
      if (series.some((s) => !s.ok)) {
        failures++;
        for (const s of series.filter((x) => !x.ok))
          console.error(`cycle ${cycle}: ${s.series}: ${s.detail}`);
      }
      if (cycle === CYCLES + 1) {
        // The last start only checks the previous kill's aftermath, then shuts down cleanly.
        client.close();
        instance.proc.kill('SIGTERM');
        row['exit'] = await instance.exited;
        rows.push(row);
        break;
      }

      const alive = ALIVE_MS.min + Math.random() * (ALIVE_MS.max - ALIVE_MS.min);
      await sleep(alive);
      instance.proc.kill('SIGKILL');
      await instance.exited;
      client.close();
      const { integrity, missing } = checkAfterKill(dbFile, reported);
      Object.assign(row, {
        'killed after ms': Math.round(alive),
        integrity,
        'alerts reported': reported.size,
        'alerts missing': missing.length,
      });
      if (integrity !== 'ok' || missing.length > 0) {
        failures++;
        console.error(
          `cycle ${cycle}: integrity ${integrity}; missing alerts ${missing.join(', ')}; log ${stderrFile}`,
        );
      }
      rows.push(row);
    }
    const final = new BetterSqlite3(dbFile, { readonly: true });
    const integrity = final.pragma('integrity_check', { simple: true });
    final.close();
    console.table(rows);
    console.log(`final integrity_check: ${String(integrity)}`);
    if (integrity !== 'ok') failures++;
    if (reported.size === 0) {
      failures++;
      console.error('no alert was reported in any cycle: the rule never fired, so alerts were not tested');
    }
  } catch (err) {
    failures++;
    console.table(rows);
    console.error(`crash test aborted: ${err instanceof Error ? err.message : String(err)}`);
    if (instance) console.error(`see ${instance.stderrFile}`);
    instance?.proc.kill('SIGKILL');
  } finally {
    await fake.close();
  }
  console.log(
    failures === 0
      ? `crash test passed: ${CYCLES} kills`
      : `crash test FAILED: ${failures} problem(s); run folder ${runDir}`,
  );
  if (failures === 0) rmSync(runDir, { recursive: true, force: true });
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
