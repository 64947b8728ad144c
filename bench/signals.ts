import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AlertService } from '../src/main/core/alerts/alert-service';
import { RuleEngine } from '../src/main/core/alerts/rule-engine';
import { RuleService } from '../src/main/core/alerts/rule-service';
import type { CandleUpdate } from '../src/main/core/candles/ports';
import { EventHub } from '../src/main/core/events';
import { createIndicator } from '../src/main/core/indicators/factory';
import { silentLogger } from '../src/main/core/base/log';
import { NotifyDispatcher } from '../src/main/core/notify/dispatcher';
import { nativeChannel, soundChannel, toastChannel } from '../src/main/core/notify/local-channels';
import { AlertRepository } from '../src/main/core/store/alert-repository';
import { openDatabase } from '../src/main/core/store/database';
import { RuleRepository } from '../src/main/core/store/rule-repository';
import { indicatorRefSchema, type IndicatorRef } from '../src/shared/domain/indicator';
import type { Candle, SeriesKey } from '../src/shared/domain/market';
import { ruleSchema, type RuleInput, type StoredRule } from '../src/shared/domain/rule';
import { settingsSchema } from '../src/shared/domain/settings';
import { percentile, round } from './support/figures';

/**
 * Signals, side by side (issue 5's bench):
 * - rule evaluation throughput: candle updates/s with 1,000 active rules over 100 symbols (ten rule
 *   types per symbol, one of them intrabar), against the same stream with no rules (the floor:
 *   history bookkeeping only) — for closed candles and for forming ticks, engine alone and with the
 *   whole stack (alerts written to SQLite, channels told);
 * - added latency from a candle closing to the notification call, p50/p99, with the 1,000 rules
 *   loaded: to the rule firing, to the alert on disk, to Notifier.show;
 * - indicator update cost per candle vs recomputing from scratch over the engine's 1,000-candle
 *   history (what a non-incremental engine pays on every candle).
 */

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 6);
const SYMBOLS = 100;
const WARM_CANDLES = 300;
const ROUNDS = 1_000;
const TICKS_PER_CANDLE = 4;
const LATENCY_SAMPLES = 2_000;
const INDICATOR_CANDLES = 50_000;
const SCRATCH_HISTORY = 1_000;
const SCRATCH_SAMPLES = 300;

const key = (i: number): SeriesKey => ({ exchange: 'binance', symbol: `C${i}/USDT`, timeframe: '1m' });

/** Seeded random walk per symbol, so every run and every case sees the same candles. */
function walker(seed: number) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  let price = 100;
  return (t: number, partial = 1): Candle => {
    const open = price;
    const close = open * (1 + (rnd() - 0.5) * 0.01 * partial);
    const high = Math.max(open, close) * (1 + rnd() * 0.002);
    const low = Math.min(open, close) * (1 - rnd() * 0.002);
    const volume = 1_000 * rnd() * (rnd() < 0.03 ? 8 : 1);
    if (partial === 1) price = close;
    return [t, open, high, low, close, volume];
  };
}

function ruleInputs(symbol: string, i: number): RuleInput[] {
  const base = { exchange: 'binance', symbol, timeframe: '1m' } as const;
  const ema = (period: number) => ({ indicator: 'ema' as const, period });
  const whens: RuleInput['when'][] = [
    { type: 'price-cross', direction: 'above', level: 100 },
    { type: 'price-cross', direction: 'below', level: 99 },
    {
      type: 'indicator-threshold',
      indicator: { indicator: 'rsi', period: 14 },
      direction: 'above',
      level: 70,
    },
    {
      type: 'indicator-threshold',
      indicator: { indicator: 'rsi', period: 14 },
      direction: 'below',
      level: 30,
    },
    { type: 'indicator-cross', indicator: ema(9), direction: 'above', other: ema(21) },
    {
      type: 'indicator-cross',
      indicator: { indicator: 'macd' },
      direction: 'above',
      other: { indicator: 'macd', output: 'signal' },
    },
    {
      type: 'indicator-cross',
      indicator: { indicator: 'price' },
      direction: 'above',
      other: { indicator: 'bollinger', output: 'upper' },
    },
    { type: 'volume-spike', multiplier: 5, period: 20 },
    { type: 'percent-move', percent: 3, candles: 5 },
    {
      type: 'indicator-cross',
      indicator: { indicator: 'stoch', output: 'k' },
      direction: 'below',
      other: { indicator: 'stoch', output: 'd' },
    },
  ];
  return whens.map((when, j) => ({
    ...base,
    name: `r${i}-${j}`,
    when,
    evaluate: j === 1 ? 'intrabar' : 'close',
    trigger: j === 2 || j === 3 || j === 8 ? 'rearm' : 'once-per-bar',
  }));
}

const storedRules = (): StoredRule[] =>
  Array.from({ length: SYMBOLS }, (_, i) => ruleInputs(key(i).symbol, i))
    .flat()
    .map((input, id) => ({
      id: id + 1,
      rule: ruleSchema.parse(input),
      source: 'user',
      createdAt: 0,
      updatedAt: 0,
      activeSince: 0,
    }));

/** The stream the cases replay: warm-up candles, then rounds of forming ticks and one close per symbol. */
function stream(): { warm: CandleUpdate[]; closes: CandleUpdate[]; ticks: CandleUpdate[] } {
  const walkers = Array.from({ length: SYMBOLS }, (_, i) => walker(i + 1));
  const warm: CandleUpdate[] = [];
  for (let i = 0; i < SYMBOLS; i++) {
    const closed = Array.from({ length: WARM_CANDLES }, (_, m) => walkers[i]!(T0 + m * MINUTE));
    warm.push({ key: key(i), closed, forming: null, origin: 'backfill' });
  }
  const closes: CandleUpdate[] = [];
  const ticks: CandleUpdate[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = T0 + (WARM_CANDLES + r) * MINUTE;
    for (let i = 0; i < SYMBOLS; i++) {
      for (let k = 1; k <= TICKS_PER_CANDLE; k++)
        ticks.push({
          key: key(i),
          closed: [],
          forming: walkers[i]!(t, k / (TICKS_PER_CANDLE + 1)),
          origin: 'live',
        });
      closes.push({ key: key(i), closed: [walkers[i]!(t)], forming: null, origin: 'live' });
    }
  }
  return { warm, closes, ticks };
}

/** Updates/s of feeding `updates` to `feed`; the ticks of each round go before its closes. */
function throughput(feed: (u: CandleUpdate) => void, s: ReturnType<typeof stream>) {
  for (const u of s.warm) feed(u);
  let closeMs = 0;
  let tickMs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const ticks = s.ticks.slice(r * SYMBOLS * TICKS_PER_CANDLE, (r + 1) * SYMBOLS * TICKS_PER_CANDLE);
    const closes = s.closes.slice(r * SYMBOLS, (r + 1) * SYMBOLS);
    let t = performance.now();
    for (const u of ticks) feed(u);
    tickMs += performance.now() - t;
    t = performance.now();
    for (const u of closes) feed(u);
    closeMs += performance.now() - t;
  }
  return {
    closesPerSec: (s.closes.length / closeMs) * 1_000,
    ticksPerSec: (s.ticks.length / tickMs) * 1_000,
  };
}

function engineOnly(rules: StoredRule[]) {
  let fired = 0;
  const engine = new RuleEngine({
    onFire: () => fired++,
    state: { load: () => undefined, save: () => {} },
    log: silentLogger(),
    now: () => T0,
  });
  engine.setRules(rules);
  return { engine, fired: () => fired };
}

/**
 * The whole stack over a temp SQLite database, wired as the alerts module wires it, with a hook on the
 * engine's firing so the latency case can time each step.
 */
function fullStack(onShow: () => void = () => {}, onFired: (phase: 'fired' | 'stored') => void = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-signals-'));
  const db = openDatabase(dir);
  const settings = settingsSchema.parse({});
  const events = new EventHub();
  const log = silentLogger();
  // rules are created before the first candle; the clock then stands after the last one, so
  // intrabar evaluations are inside every rule's active time, as they are live
  let clock = T0 - MINUTE;
  const now = () => clock;
  const ruleRepo = new RuleRepository(db);
  const dispatcher = new NotifyDispatcher({
    channels: [nativeChannel({ show: onShow }), soundChannel(events, now), toastChannel(events)],
    prefs: () => settings.notifications,
    now,
    log,
  });
  const alerts = new AlertService({
    alerts: new AlertRepository(db),
    rules: ruleRepo,
    events,
    delivery: dispatcher,
    log,
    now,
  });
  const engine = new RuleEngine({
    onFire: (f) => {
      onFired('fired');
      alerts.record(f);
      onFired('stored');
    },
    state: { load: (id, k) => ruleRepo.loadState(id, k), save: (id, k, st) => ruleRepo.saveState(id, k, st) },
    log,
    now,
  });
  const rules = new RuleService({
    repo: ruleRepo,
    alerts,
    events,
    onRules: (l) => engine.setRules(l),
    now,
    log,
  });
  rules.importRules(
    storedRules().map((r) => r.rule),
    'merge',
  );
  clock = T0 + 30 * 86_400_000;
  return {
    engine,
    rules,
    alerts: () => db.prepare('SELECT count(*) FROM alerts').pluck().get() as number,
    async close() {
      alerts.flush();
      await dispatcher.idle();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Close-to-notification latency: one symbol alternating 99/101 around a level fires every other candle. */
async function latency() {
  let firedAt = 0;
  let storedAt = 0;
  let shownAt = 0;
  const stack = fullStack(
    () => void (shownAt = performance.now()),
    (phase) => (phase === 'fired' ? (firedAt = performance.now()) : (storedAt = performance.now())),
  );
  for (const u of stream().warm) stack.engine.onCandles(u);
  const probe: SeriesKey = { exchange: 'binance', symbol: 'PROBE/USDT', timeframe: '1m' };
  stack.rules.create(
    ruleSchema.parse({
      name: 'probe',
      ...probe,
      when: { type: 'price-cross', direction: 'above', level: 100 },
    }),
  );
  const toFire: number[] = [];
  const toStore: number[] = [];
  const toShow: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES * 2; i++) {
    const close = i % 2 === 0 ? 99 : 101;
    // after the stack's clock, so after the probe rule was created
    const candle: Candle = [T0 + 31 * 86_400_000 + i * MINUTE, close, close, close, close, 1];
    const t0 = performance.now();
    stack.engine.onCandles({ key: probe, closed: [candle], forming: null, origin: 'live' });
    await new Promise((r) => setImmediate(r));
    if (close === 101) {
      toFire.push(firedAt - t0);
      toStore.push(storedAt - t0);
      toShow.push(shownAt - t0);
    }
  }
  await stack.close();
  if (toShow.some((x) => x < 0)) throw new Error('a probe firing never reached the notifier');
  return { toFire, toStore, toShow };
}

/** Best of three runs of `fn`, in ms: the first run also pays for the JIT, and the machine is shared. */
function bestOf3(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** ns per candle: incremental close, forming update, and a rebuild over the last 1,000 candles. */
function indicatorCosts(ref: IndicatorRef, candles: Candle[]) {
  const closeNs =
    (bestOf3(() => {
      const ind = createIndicator(ref);
      for (const c of candles) ind.close(c);
    }) /
      candles.length) *
    1e6;

  const live = createIndicator(ref);
  for (const c of candles.slice(0, SCRATCH_HISTORY)) live.close(c);
  const updateNs =
    (bestOf3(() => {
      for (const c of candles) live.update(c);
    }) /
      candles.length) *
    1e6;

  const scratchNs =
    (bestOf3(() => {
      for (let i = 0; i < SCRATCH_SAMPLES; i++) {
        const fresh = createIndicator(ref);
        const end = SCRATCH_HISTORY + i;
        for (let j = end - SCRATCH_HISTORY; j < end; j++) fresh.close(candles[j]!);
      }
    }) /
      SCRATCH_SAMPLES) *
    1e6;
  return { closeNs, updateNs, scratchNs };
}

export async function run(): Promise<{ name: string; rows: Record<string, unknown>[] }> {
  const rows: Record<string, unknown>[] = [];
  const rules = storedRules();

  const floor = engineOnly([]);
  const floorRate = throughput((u) => floor.engine.onCandles(u), stream());
  const loaded = engineOnly(rules);
  const loadedRate = throughput((u) => loaded.engine.onCandles(u), stream());
  const stack = fullStack();
  const stackRate = throughput((u) => stack.engine.onCandles(u), stream());
  const stackAlerts = stack.alerts();
  await stack.close();

  const rate = (
    name: string,
    r: { closesPerSec: number; ticksPerSec: number },
    firings: number | string,
  ) => ({
    section: 'throughput',
    case: name,
    'closed candles/s': round(r.closesPerSec),
    'floor ÷ this (closed)': round(floorRate.closesPerSec / r.closesPerSec, 2),
    'forming ticks/s': round(r.ticksPerSec),
    'floor ÷ this (ticks)': round(floorRate.ticksPerSec / r.ticksPerSec, 2),
    firings,
  });
  rows.push(
    rate('floor: 100 symbols, no rules', floorRate, 0),
    rate(`engine: ${rules.length} rules over ${SYMBOLS} symbols`, loadedRate, loaded.fired()),
    rate(`full stack: ${rules.length} rules, alerts in SQLite, channels told`, stackRate, stackAlerts),
  );

  const lat = await latency();
  const latRow = (name: string, xs: number[]) => ({
    section: 'latency',
    case: name,
    samples: xs.length,
    'p50 µs': round(percentile(xs, 0.5) * 1_000, 1),
    'p99 µs': round(percentile(xs, 0.99) * 1_000, 1),
    'max µs': round(Math.max(...xs) * 1_000, 1),
  });
  rows.push(
    latRow('candle close → rule fired (1,000 rules loaded)', lat.toFire),
    latRow('candle close → alert stored in SQLite', lat.toStore),
    latRow('candle close → Notifier.show called', lat.toShow),
  );

  const candles = Array.from({ length: INDICATOR_CANDLES }, (_, i) => walker(7)(T0 + i * MINUTE));
  const refs: unknown[] = [
    { indicator: 'sma', period: 20 },
    { indicator: 'ema', period: 20 },
    { indicator: 'wma', period: 20 },
    { indicator: 'rsi', period: 14 },
    { indicator: 'macd' },
    { indicator: 'bollinger' },
    { indicator: 'atr', period: 14 },
    { indicator: 'stoch' },
    { indicator: 'stochrsi' },
    { indicator: 'vwap' },
    { indicator: 'obv' },
    { indicator: 'volume-sma', period: 20 },
  ];
  for (const raw of refs) {
    const ref = indicatorRefSchema.parse(raw);
    const c = indicatorCosts(ref, candles);
    rows.push({
      section: 'indicators',
      case: JSON.stringify(raw),
      'close ns/candle': round(c.closeNs),
      'forming update ns': round(c.updateNs),
      'recompute 1,000 ns': round(c.scratchNs),
      'recompute ÷ close': round(c.scratchNs / c.closeNs),
    });
  }
  return { name: 'signals', rows };
}
