import { describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../../src/renderer/settings/settings-store';
import {
  declareEventSubscription,
  visibleSubscription,
} from '../../../src/renderer/state/event-subscription';
import { createUiStore } from '../../../src/renderer/state/ui-store';
import type { ConnectionState, Transport } from '../../../src/renderer/transport/transport';
import { createContractApi } from '../../../src/shared/contract/client';
import { ok, type MethodName, type Result } from '../../../src/shared/contract';
import { eventSubscriptionSchema, MAX_SUBSCRIBED_TICKERS } from '../../../src/shared/contract/methods/events';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';

const settle = () => new Promise((r) => setTimeout(r, 0));
const watch = (symbol: string) => ({ exchange: 'sim', symbol, timeframes: ['1m'] });

/** A core that answers settings:get with `settings`, and a connection the test drops and restores. */
function fakeCore(settings: Settings) {
  const calls: { method: MethodName; input: unknown }[] = [];
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'open';
  const invoke = async (method: MethodName, input: unknown): Promise<Result<unknown>> => {
    calls.push({ method, input });
    return ok(method === 'settings:get' ? settings : []);
  };
  const transport: Transport = {
    kind: 'websocket',
    api: createContractApi(invoke, () => () => {}),
    connectionState: () => state,
    onConnectionStateChange: (l) => {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
  };
  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };
  const declarations = () => calls.filter((c) => c.method === 'events:subscribe').map((c) => c.input);
  return { transport, calls, setState, declarations };
}

function start(settings: Settings) {
  const core = fakeCore(settings);
  const ui = createUiStore(undefined);
  ui.getState().openChart({ exchange: 'sim', symbol: 'BTC/USDT' }, { timeframe: '1m' });
  const settingsStore = createSettingsStore(core.transport);
  let tickerRefreshes = 0;
  declareEventSubscription({
    transport: core.transport,
    ui,
    settings: settingsStore,
    market: { refreshTickers: async () => void tickerRefreshes++ },
  });
  return { ...core, ui, settingsStore, tickerRefreshes: () => tickerRefreshes };
}

describe('visibleSubscription', () => {
  it("asks for the chart's candles and the prices of its symbol and of the watchlist, once each", () => {
    expect(
      visibleSubscription({ exchange: 'sim', symbol: 'ETH/USDT' }, '1h', [
        watch('BTC/USDT'),
        watch('ETH/USDT'),
      ]),
    ).toEqual({
      candles: [{ exchange: 'sim', symbol: 'ETH/USDT', timeframe: '1h' }],
      tickers: [
        { exchange: 'sim', symbol: 'ETH/USDT' },
        { exchange: 'sim', symbol: 'BTC/USDT' },
      ],
      orderbooks: [],
    });
  });

  it('is a declaration the core accepts, even for a watchlist past the cap', () => {
    const long = Array.from({ length: MAX_SUBSCRIBED_TICKERS + 5 }, (_, i) => watch(`S${i}/USDT`));
    const sub = visibleSubscription({ exchange: 'sim', symbol: 'BTC/USDT' }, '1m', long);
    expect(eventSubscriptionSchema.safeParse(sub).success).toBe(true);
    expect(sub.tickers[0]).toEqual({ exchange: 'sim', symbol: 'BTC/USDT' });
  });

  it('asks for no candles when no chart is open', () => {
    expect(visibleSubscription(null, '1m', [watch('BTC/USDT')])).toMatchObject({
      candles: [],
      tickers: [{ exchange: 'sim', symbol: 'BTC/USDT' }],
    });
  });
});

describe('declareEventSubscription', () => {
  it('declares at start, then again when the settings bring the watchlist', async () => {
    const app = start({ ...defaultSettings(), watchlist: [watch('BTC/USDT'), watch('SOL/USDT')] });
    expect(app.declarations()[0]).toMatchObject({
      candles: [{ symbol: 'BTC/USDT', timeframe: '1m' }],
      tickers: [{ symbol: 'BTC/USDT' }],
    });
    await settle();
    expect(app.declarations()).toHaveLength(2);
    expect(app.declarations()[1]).toMatchObject({
      tickers: [{ symbol: 'BTC/USDT' }, { symbol: 'SOL/USDT' }],
    });
    // SOL's ticks were not sent before: its price is read once.
    expect(app.tickerRefreshes()).toBe(2);
  });

  it('follows the chart and its timeframe, and ignores changes that show nothing new', async () => {
    const app = start(defaultSettings());
    await settle();
    const before = app.declarations().length;
    app.ui.getState().openDialog({ kind: 'shortcuts' });
    app.ui.getState().setBottomTab('streams');
    expect(app.declarations()).toHaveLength(before);
    app.ui.getState().setTimeframe('1h');
    app.ui.getState().openChart({ exchange: 'sim', symbol: 'ETH/USDT' });
    expect(app.declarations().slice(before)).toMatchObject([
      { candles: [{ symbol: 'BTC/USDT', timeframe: '1h' }] },
      { candles: [{ symbol: 'ETH/USDT', timeframe: '1h' }] },
    ]);
  });

  it("asks for the chart's order book only while the book tab is open and the panel unfolded", async () => {
    const app = start(defaultSettings());
    await settle();
    const books = () => (app.declarations().at(-1) as { orderbooks: unknown[] }).orderbooks;
    expect(books()).toEqual([]);
    app.ui.getState().setBottomTab('book');
    expect(books()).toEqual([{ exchange: 'sim', symbol: 'BTC/USDT' }]);
    app.ui.getState().openChart({ exchange: 'sim', symbol: 'ETH/USDT' });
    expect(books()).toEqual([{ exchange: 'sim', symbol: 'ETH/USDT' }]);
    app.ui.getState().setPanelCollapsed(true);
    expect(books()).toEqual([]);
    app.ui.getState().setPanelCollapsed(false);
    app.ui.getState().setBottomTab('alerts');
    expect(books()).toEqual([]);
  });

  it('declares the same again after a reconnect, when the server sees a new client', async () => {
    const app = start(defaultSettings());
    await settle();
    const last = app.declarations().at(-1);
    const before = app.declarations().length;
    app.setState('connecting');
    app.setState('open');
    expect(app.declarations()).toHaveLength(before + 1);
    expect(app.declarations().at(-1)).toEqual(last);
  });
});
