import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../src/shared/contract';
import type { ExchangeInfo } from '../../../src/shared/domain/exchange';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { LiveCore, until } from '../signals/live-core';

/**
 * `exchanges:changed`: a client learns an exchange's name and state from the server as they change,
 * and before that exchange's first stream state. CI once showed "binance can’t be reached" on the
 * chart: the renderer asked for the list after the settings were saved, and the stream's first
 * error reached it before the answer.
 */
let live: LiveCore | undefined;
let fake: FakeExchange | undefined;

afterEach(async () => {
  await live?.dispose();
  await fake?.close();
  live = undefined;
  fake = undefined;
});

type Heard = LiveCore['heard'];

const lists = (heard: Heard) =>
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
  it('names an unreachable exchange before its first stream state, says its markets failed, and that it is gone', async () => {
    // A fake exchange's URLs with nothing listening behind them: every request is refused.
    const closed = await startFakeExchange({ symbols: ['BTC/USDT'] });
    await closed.close();
    live = new LiveCore(closed, []);
    const { heard } = live;
    const since = (at: number) => lists(heard).filter((l) => l.at >= at);

    // Configured at start: removed, then added again the way Settings and the first-run choice do.
    await live.call('settings:update', { exchanges: {}, watchlist: [] });
    await until('a list without Binance', () => since(0).some((l) => binanceIn(l.list) === undefined));
    expect(
      since(0)
        .at(-1)!
        .list.map((x) => x.id),
    ).toEqual(['sim']);

    const added = heard.length;
    await live.call('settings:update', watchBinance(closed.ccxtJsonConfig()));
    const firstStream = () =>
      heard.findIndex(
        (e) => e.event === 'stream:state-changed' && (e.payload as StreamInfo).exchange === 'binance',
      );
    await until('a Binance stream state, and the list saying its markets failed', () => {
      const last = since(added).at(-1);
      return firstStream() >= added && last !== undefined && binanceIn(last.list)?.status === 'error';
    });

    const announced = since(added).find((l) => binanceIn(l.list));
    expect(announced!.at).toBeLessThan(firstStream());
    expect(binanceIn(announced!.list)).toMatchObject({ name: 'Binance', status: 'loading', error: null });
    const failed = binanceIn(since(added).at(-1)!.list)!;
    expect(failed.error).toMatch(/^Binance: markets could not be loaded/);
    // The list a client asks for says the same as the last event.
    expect(binanceIn(await live.call('exchanges:list', {}))).toEqual(failed);
  });

  it('says when an exchange’s markets have loaded, with what it can stream', async () => {
    fake = await startFakeExchange({ symbols: ['BTC/USDT'] });
    live = new LiveCore(fake, [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }]);
    const { heard } = live;
    await until('Binance ready in the list', () =>
      lists(heard).some((l) => binanceIn(l.list)?.status === 'ready'),
    );
    const ready = binanceIn(lists(heard).find((l) => binanceIn(l.list)?.status === 'ready')!.list)!;
    expect(ready).toMatchObject({ name: 'Binance', error: null });
    expect(ready.marketCount).toBeGreaterThan(0);
    expect(ready.capabilities?.timeframes).toContain('1m');
  });
});
