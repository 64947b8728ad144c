import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_EXPORT_COLUMNS, exportAlerts } from '../../../src/main/core/alerts/alert-export';
import { openDatabase } from '../../../src/main/core/store/database';
import { migrations } from '../../../src/main/core/store/migrations';
import type { RuleInput } from '../../../src/shared/domain/rule';
import { BTC, MIN, T0, bars } from '../../unit/alerts/harness';
import { SignalsFixture } from './signals-fixture';

let fx: SignalsFixture;
afterEach(async () => {
  await fx?.dispose();
});

function collect(run: (write: (chunk: string) => void) => number): { text: string; count: number } {
  let text = '';
  const count = run((chunk) => (text += chunk));
  return { text, count };
}

const addRule = (name: string, extra: Partial<RuleInput> = {}) => fx.addRule(name, extra);

describe('alerts export (npm run export -- --alerts)', () => {
  it('prints CSV with the DESIGN.md columns, quoting what needs it, from a read-only handle', () => {
    fx = new SignalsFixture();
    addRule('BTC, "the" breakout', { signal: 'BUY', message: 'broke 100,\n"finally"' });
    fx.signals.onCandles({ key: BTC, closed: bars([99, 101, 99, 102]), forming: null, origin: 'live' });
    fx.signals.alerts.dismiss([1]);

    // beside the running instance, as the CLI reads it
    const reader = openDatabase(fx.dir, { readonly: true });
    const { text, count } = collect((w) => exportAlerts(reader, 'csv', w));
    reader.close();
    expect(count).toBe(2);
    const [header, ...rows] = text.trimEnd().split(/\n(?=\d)/);
    expect(header).toBe(ALERT_EXPORT_COLUMNS.join(','));
    expect(
      header!.startsWith('firedAt,candleTime,rule,signal,exchange,symbol,timeframe,price,status,message'),
    ).toBe(true);
    expect(rows).toEqual([
      `${T0},${T0 + MIN},"BTC, ""the"" breakout",BUY,binance,BTC/USDT,1m,101,dismissed,"broke 100,\n""finally""",1,rule`,
      `${T0},${T0 + 3 * MIN},"BTC, ""the"" breakout",BUY,binance,BTC/USDT,1m,102,active,"broke 100,\n""finally""",1,rule`,
    ]);
  });

  it('prints a JSON array of objects', () => {
    fx = new SignalsFixture();
    addRule('r');
    fx.signals.onCandles({ key: BTC, closed: bars([99, 101]), forming: null, origin: 'backfill' });
    const { text, count } = collect((w) => exportAlerts(fx.db, 'json', w));
    expect(count).toBe(1);
    expect(JSON.parse(text)).toEqual([
      {
        firedAt: T0,
        candleTime: T0 + MIN,
        rule: 'r',
        signal: 'INFO',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        price: 101,
        status: 'missed',
        message: 'close crossed above 100 at 101',
        strength: 1,
        kind: 'rule',
      },
    ]);
  });

  it('defuses a rule name a spreadsheet would run as a formula in CSV, and keeps it as is in JSON', () => {
    fx = new SignalsFixture();
    addRule('=HYPERLINK("x")');
    fx.signals.onCandles({ key: BTC, closed: bars([99, 101]), forming: null, origin: 'live' });
    const csv = collect((w) => exportAlerts(fx.db, 'csv', w)).text;
    expect(csv.split('\n')[1]).toContain(`,"'=HYPERLINK(""x"")",`);
    const json = JSON.parse(collect((w) => exportAlerts(fx.db, 'json', w)).text) as { rule: string }[];
    expect(json.map((a) => a.rule)).toEqual(['=HYPERLINK("x")']);
  });

  it('prints just the header (or []) for a database from before alerts existed', () => {
    fx = new SignalsFixture();
    const old = openDatabase(`${fx.dir}/old`, { migrations: migrations.slice(0, 3) });
    expect(collect((w) => exportAlerts(old, 'csv', w)).text).toBe(`${ALERT_EXPORT_COLUMNS.join(',')}\n`);
    expect(collect((w) => exportAlerts(old, 'json', w)).text).toBe('[]\n');
    old.close();
  });
});
