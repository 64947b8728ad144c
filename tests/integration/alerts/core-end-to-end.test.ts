import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { parseConfigText } from '../../../src/main/core/config/config-file';
import { silentLogger } from '../../../src/main/core/base/log';
import type { Alert, MissedSummary } from '../../../src/shared/domain/alert';
import { everyCandleConfig } from '../../support/every-candle-config';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';

let core: Core | undefined;
let fake: FakeExchange | undefined;
let dir: string | undefined;

afterEach(async () => {
  await core?.stop();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  core = fake = dir = undefined;
});

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function allAlerts(c: Core): Promise<Alert[]> {
  const r = await c.dispatch('alerts:list', { limit: 5_000 });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { alerts: Alert[] }).alerts.reverse();
}

describe('headless core against the fake exchange', () => {
  it('fires on every candle exactly once across a restart: live ones told, the ones missed while down summarised', async () => {
    fake = await startFakeExchange({ symbols: ['BTC/USDT'], seed: 5, updateIntervalMs: 200 });
    dir = mkdtempSync(join(tmpdir(), 'cw-signals-e2e-'));
    // a config file as a user writes it: the exchange pointed at the fake, one rule that holds on every candle
    const config = parseConfigText(JSON.stringify(everyCandleConfig(fake)));
    const start = () => {
      const c = createCore({
        dataDir: dir!,
        mode: 'headless',
        version: '0.0.0-test',
        log: silentLogger(),
        config,
      });
      const heard: { event: string; payload: unknown }[] = [];
      c.events.subscribe((event, payload) => heard.push({ event, payload }));
      return { c, heard };
    };

    const first = start();
    core = first.c;
    const active = async (c: Core) => (await allAlerts(c)).filter((a) => a.status === 'active');
    await until('3 live alerts', async () => (await active(first.c)).length >= 3);
    await first.c.stop();
    const stoppedAt = Date.now();
    const lastIdBeforeStop = Math.max(
      ...first.heard
        .filter((h) => h.event === 'alert:fired')
        .map((h) => (h.payload as { alert: Alert }).alert.id),
    );

    // Down until the exchange has closed a few candles without us (its state, not a sleep).
    await until(
      '3 candles closed while the core is down',
      () =>
        fake!.truth('BTC/USDT', '1s', stoppedAt - 1_000, Date.now()).filter((c) => c[0] + 1_000 > stoppedAt)
          .length >= 3,
    );
    const restartedAt = Date.now();
    const second = start();
    core = second.c;
    await until('the missed summary', () => second.heard.some((h) => h.event === 'alerts:missed-summary'));
    await until(
      '2 live alerts after the restart',
      () => second.heard.filter((h) => h.event === 'alert:fired').length >= 2,
    );

    const alerts = await allAlerts(second.c);
    const times = alerts.map((a) => a.candleTime);
    // every 1s candle from the first alert to the last fired exactly once: no duplicate, no hole
    expect(new Set(times).size).toBe(times.length);
    expect(times).toEqual(times.map((_, i) => times[0]! + i * 1_000));
    // the price of each alert is the exchange's close of that candle
    const truth = fake.truth('BTC/USDT', '1s', times[0]!, times.at(-1)!);
    expect(alerts.map((a) => a.price)).toEqual(truth.map((c) => c[4]));

    // every live alert was told exactly once, each as a native notification request (headless)
    const firedIds = [...first.heard, ...second.heard]
      .filter((h) => h.event === 'alert:fired')
      .map((h) => (h.payload as { alert: Alert }).alert.id);
    expect(alerts.filter((a) => a.status === 'active').map((a) => a.id)).toEqual(firedIds);
    const notices = (heard: { event: string; payload: unknown }[]) =>
      heard
        .filter((h) => h.event === 'notify:native-requested')
        .map((h) => (h.payload as { title: string }).title);
    const summaries = (heard: { event: string; payload: unknown }[]) =>
      heard.filter((h) => h.event === 'alerts:missed-summary').map((h) => h.payload as MissedSummary);
    for (const run of [first.heard, second.heard])
      expect(notices(run)).toHaveLength(
        run.filter((h) => h.event === 'alert:fired').length + summaries(run).length,
      );

    // what closed while the core was down fired after the restart as missed, in one summary
    const whileDown = alerts.filter(
      (a) => a.candleTime + 1_000 > stoppedAt && a.candleTime + 1_000 <= restartedAt,
    );
    expect(whileDown.length).toBeGreaterThanOrEqual(2);
    expect(whileDown.every((a) => a.status === 'missed' && a.id > lastIdBeforeStop)).toBe(true);
    const summary = summaries(second.heard)[0]!;
    expect(summary.count).toBe(alerts.filter((a) => a.status === 'missed' && a.id > lastIdBeforeStop).length);
    expect(notices(second.heard)).toContain(`${summary.count} alerts while you were away`);
  });
});
