import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAlertsModule,
  type AlertsModule,
  type AlertsModuleOptions,
} from '../../../src/main/core/alerts/module';
import { EventHub } from '../../../src/main/core/events';
import { silentLogger } from '../../../src/main/core/base/log';
import type { NativeNotification } from '../../../src/main/core/notify/ports';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { openDatabase, type Database } from '../../../src/main/core/store/database';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import { ruleSchema, type RuleInput } from '../../../src/shared/domain/rule';
import { settingsSchema, type Settings } from '../../../src/shared/domain/settings';

export type Heard = { event: string; payload: unknown };

/**
 * The signals stack over a real SQLite database in a temp folder, with a notifier and an event
 * hub that record what they hear. `restart()` closes everything and builds it again over the same
 * file, as an app restart does.
 */
export class SignalsFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'cw-signals-'));
  db!: Database;
  signals!: AlertsModule;
  events!: EventHub;
  readonly heard: Heard[] = [];
  readonly shown: { notification: NativeNotification; storedAlerts: number }[] = [];
  settings: Settings;
  now: number;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(
    private readonly extra: Partial<AlertsModuleOptions> = {},
    settings: Record<string, unknown> = {},
    now = Date.UTC(2025, 0, 6),
  ) {
    this.settings = settingsSchema.parse(settings);
    this.now = now;
    this.start();
  }

  start(): void {
    this.db = openDatabase(this.dir);
    this.events = new EventHub();
    this.events.subscribe((event, payload) => this.heard.push({ event, payload }));
    const series = new SeriesRepository(this.db);
    const candles = new CandleRepository(this.db, series);
    const countAlerts = this.db.prepare<[], number>('SELECT count(*) FROM alerts').pluck();
    this.signals = createAlertsModule({
      db: this.db,
      events: this.events,
      settings: {
        get: () => this.settings,
        onChange: (l) => {
          this.listeners.add(l);
          return () => this.listeners.delete(l);
        },
      },
      candles,
      // The notifier counts stored alerts at the moment it is called: proof of "stored first".
      notifier: { show: (n) => void this.shown.push({ notification: n, storedAlerts: countAlerts.get()! }) },
      log: silentLogger(),
      now: () => this.now,
      missedQuietMs: 20,
      missedMaxWaitMs: 200,
      remote: { backoffMs: () => 10 },
      ...this.extra,
    });
    this.signals.start();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  async stop(): Promise<void> {
    await this.signals.stop();
    this.events.close();
    this.db.close();
  }

  async dispose(): Promise<void> {
    if (this.db.open) await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  setSettings(patch: Record<string, unknown>): void {
    this.settings = settingsSchema.parse({ ...this.settings, ...patch });
    for (const l of this.listeners) l(this.settings);
  }

  /** Creates a rule on BTC/USDT 1m that fires when the close crosses above 100, with `extra` over it. */
  addRule(name: string, extra: Partial<RuleInput> = {}): void {
    this.signals.rules.create(
      ruleSchema.parse({
        name,
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        when: { type: 'price-cross', direction: 'above', level: 100 },
        ...extra,
      }),
    );
  }

  /** Stores closed candles as the store's writer would. */
  storeCandles(key: SeriesKey, candles: Candle[]): void {
    const series = new SeriesRepository(this.db);
    const repo = new CandleRepository(this.db, series);
    this.db.transaction(() => repo.insertClosed(series.ensure(key), candles, () => {}))();
  }

  heardOf(name: string): unknown[] {
    return this.heard.filter((h) => h.event === name).map((h) => h.payload);
  }

  alertRows(): { rule_id: number | null; candle_time: number; status: string }[] {
    return this.db
      .prepare<[], { rule_id: number | null; candle_time: number; status: string }>(
        'SELECT rule_id, candle_time, status FROM alerts ORDER BY id',
      )
      .all();
  }
}
