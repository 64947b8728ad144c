import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../../src/main/core/app';
import { parseConfigText } from '../../../src/main/core/config/config-file';
import { silentLogger } from '../../../src/main/core/base/log';
import type { NativeNotification } from '../../../src/main/core/notify/ports';
import type { MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import type { Alert } from '../../../src/shared/domain/alert';
import { CLOSE, type Candle } from '../../../src/shared/domain/market';
import type { WatchItem } from '../../../src/shared/domain/settings';
import type { FakeExchange } from '../../support/fake-exchange';

/**
 * The headless core as `npm run serve` builds it (SQLite in a temporary folder, the real ccxt)
 * pointed at a fake exchange, with a notifier that records what it was asked to show.
 */
export class LiveCore {
  readonly core: Core;
  readonly shown: NativeNotification[] = [];
  readonly heard: { event: string; payload: unknown }[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'cw-signals-live-'));

  constructor(
    fake: FakeExchange,
    watchlist: WatchItem[],
    opts: { staleTimeoutMs?: number; exchange?: Record<string, unknown> } = {},
  ) {
    const config = parseConfigText(
      JSON.stringify({
        exchanges: {
          binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig(), ...opts.exchange },
        },
        watchlist,
        feed: { staleTimeoutMs: opts.staleTimeoutMs ?? 30_000 },
      }),
    );
    this.core = createCore({
      dataDir: this.dir,
      mode: 'headless',
      version: '0.0.0-test',
      log: silentLogger(),
      config,
      notifier: { show: (n) => void this.shown.push(n) },
    });
    this.core.events.subscribe((event, payload) => this.heard.push({ event, payload }));
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.core.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as MethodOutput<M>;
  }

  /** every alert, oldest first */
  async alerts(): Promise<Alert[]> {
    return (await this.call('alerts:list', { limit: 5_000 })).alerts.reverse();
  }

  async dispose(): Promise<void> {
    await this.core.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Open times of the candles whose close crosses above its SMA(`period`) (at or below it on the
 * candle before), among those closing after `armedSince`: what a rule "price crosses above SMA"
 * must fire on. A moving line keeps being crossed however the price wanders, so a test of a few
 * seconds sees several crossings.
 */
export function crossingsAboveSma(truth: readonly Candle[], period: number, armedSince: number, tf = 1000) {
  // Exact: closes in units of 1e-8 (the fake prints 8 decimals), and `close > SMA` as
  // `period × close > sum`, so a close sitting on its SMA is on it, not above by a rounding.
  const closes = truth.map((c) => Math.round(c[CLOSE] * 1e8));
  const sum = (i: number) => closes.slice(i - period + 1, i + 1).reduce((a, b) => a + b, 0);
  const above = (i: number) => period * closes[i]! > sum(i);
  const out: number[] = [];
  for (let i = period; i < truth.length; i++) {
    if (truth[i]![0] + tf <= armedSince) continue;
    if (!above(i - 1) && above(i)) out.push(truth[i]![0]);
  }
  return out;
}
