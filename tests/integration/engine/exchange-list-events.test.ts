import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import type { EventName, MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import type { ExchangeInfo } from '../../../src/shared/domain/exchange';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { until } from './engine-harness';

/**
 * `exchanges:changed`: a client learns an exchange's name and state from the server as they change,
 * and before that exchange's first stream state. CI once showed "binance can’t be reached" on the
 * chart: the renderer asked for the list after the settings were saved, and the stream's first
 * error reached it before the answer.
 */
let core: Core | undefined;
let fake: FakeExchange | undefined;
let dir: string | undefined;

afterEach(async () => {
  await core?.stop();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  core = undefined;
  fake = undefined;
  dir = undefined;
});

function start(): { core: Core; heard: Array<{ event: EventName; payload: unknown }> } {
  dir = mkdtempSync(join(tmpdir(), 'cw-exchange-events-'));
  core = createCore({
    dataDir: dir,
    mode: 'headless',
    version: '0.0.0-test',
    log: silentLogger(),
    config: {},
  });
  const heard: Array<{ event: EventName; payload: unknown }> = [];
  core.events.subscribe((event, payload) => heard.push({ event, payload }));
  return { core, heard };
}

async function call<M extends MethodName>(
  c: Core,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const r = await c.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as MethodOutput<M>;
}

const lists = (heard: Array<{ event: EventName; payload: unknown }>) =>
  heard.flatMap((e, at) =>
    e.event === 'exchanges:changed' ? [{ at, list: e.payload as ExchangeInfo[] }] : [],
  );

const binanceIn = (list: ExchangeInfo[]) => list.find((x) => x.id === 'binance');

const watchBinance = (ccxt: Record<string, unknown>) =>
  ({
    exchanges: { binance: { enabled: true, sandbox: false, ccxt } },
    watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }],
  }) as MethodInput<'settings:update'>;

describe('exchanges:changed', () => {
  it('names an unreachable exchange before its first stream state, then says its markets failed, then that it is gone', async () => {
    // A fake exchange's URLs with nothing listening behind them: every request is refused.
    const closed = await startFakeExchange({ symbols: ['BTC/USDT'] });
    const ccxt = closed.ccxtJsonConfig();
    await closed.close();
    const { core: c, heard } = start();
    await call(c, 'exchanges:list', {});

    await call(c, 'settings:update', watchBinance(ccxt));
    const firstStream = () =>
      heard.findIndex(
        (e) => e.event === 'stream:state-changed' && (e.payload as StreamInfo).exchange === 'binance',
      );
    await until('a Binance stream state, and the list saying its markets failed', () => {
      const last = lists(heard).at(-1);
      return firstStream() >= 0 && last !== undefined && binanceIn(last.list)?.status === 'error';
    });

    const announced = lists(heard).find((l) => binanceIn(l.list));
    expect(announced).toBeDefined();
    expect(announced!.at).toBeLessThan(firstStream());
    expect(binanceIn(announced!.list)).toMatchObject({ name: 'Binance', status: 'loading', error: null });
    const failed = binanceIn(lists(heard).at(-1)!.list)!;
    expect(failed.error).toMatch(/^Binance: markets could not be loaded/);
    // The list a client asks for says the same as the last event.
    expect(binanceIn(await call(c, 'exchanges:list', {}))).toEqual(failed);

    const before = heard.length;
    await call(c, 'settings:update', { exchanges: {}, watchlist: [] });
    await until('a list without Binance', () =>
      lists(heard).some((l) => l.at >= before && binanceIn(l.list) === undefined),
    );
    expect(
      lists(heard)
        .at(-1)!
        .list.map((x) => x.id),
    ).toEqual(['sim']);
  });

  it('says when an exchange’s markets have loaded, with what it can stream', async () => {
    fake = await startFakeExchange({ symbols: ['BTC/USDT'] });
    const { core: c, heard } = start();
    await call(c, 'settings:update', watchBinance(fake.ccxtJsonConfig()));
    await until('Binance ready in the list', () =>
      lists(heard).some((l) => binanceIn(l.list)?.status === 'ready'),
    );
    const ready = binanceIn(lists(heard).find((l) => binanceIn(l.list)?.status === 'ready')!.list)!;
    expect(ready).toMatchObject({ name: 'Binance', error: null, marketCount: expect.any(Number) });
    expect(ready.marketCount).toBeGreaterThan(0);
    expect(ready.capabilities?.timeframes).toContain('1m');
  });
});
