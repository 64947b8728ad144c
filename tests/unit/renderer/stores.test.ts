import { describe, expect, it, vi } from 'vitest';
import { createAlertsStore } from '../../../src/renderer/alerts/alerts-store';
import type { SoundPlayer } from '../../../src/renderer/alerts/sound-player';
import { FrameBatcher } from '../../../src/renderer/live/frame-batcher';
import {
  BACK_TO_START,
  needsOnboarding,
  starterChoiceOf,
  starterSettings,
} from '../../../src/renderer/onboarding/onboarding';
import { bookSeenKey, createMarketStore } from '../../../src/renderer/state/market-store';
import { createUiStore } from '../../../src/renderer/state/ui-store';
import type { Transport } from '../../../src/renderer/transport/transport';
import { createContractApi, type EventSink } from '../../../src/shared/contract/client';
import { ok, type MethodName, type Result } from '../../../src/shared/contract';
import type { Alert } from '../../../src/shared/domain/alert';
import { defaultSettings, settingsPatchSchema } from '../../../src/shared/domain/settings';
import type { Ticker } from '../../../src/shared/domain/market';

/** A core answering every method with `answers[method]` (or an empty list), events sent by hand. */
function fakeTransport(answers: Partial<Record<MethodName, unknown>> = {}) {
  let emit: EventSink = () => {};
  const calls: { method: MethodName; input: unknown }[] = [];
  const invoke = async (method: MethodName, input: unknown): Promise<Result<unknown>> => {
    calls.push({ method, input });
    return ok(answers[method] ?? []);
  };
  const transport: Transport = {
    kind: 'websocket',
    api: createContractApi(invoke, (sink) => {
      emit = sink;
      return () => {};
    }),
    connectionState: () => 'open',
    onConnectionStateChange: () => () => {},
  };
  return { transport, calls, emit: (event: string, payload: unknown) => emit(event, payload) };
}

/** Frames run when the test says so. */
function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (run: () => void) => void queue.push(run),
    runFrame: () => queue.splice(0).forEach((run) => run()),
    pending: () => queue.length,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const ticker = (symbol: string, last: number): Ticker => ({
  exchange: 'sim',
  symbol,
  time: 1,
  last,
  bid: null,
  ask: null,
  changePercent24h: 1,
  quoteVolume24h: null,
});

describe('FrameBatcher', () => {
  it('hands over the newest value per key once per frame', () => {
    const frames = manualFrames();
    const batches: [string, number][][] = [];
    const b = new FrameBatcher<number>((batch) => batches.push([...batch]), frames.schedule);
    b.push('a', 1);
    b.push('b', 2);
    b.push('a', 3);
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(batches).toEqual([
      [
        ['a', 3],
        ['b', 2],
      ],
    ]);
  });
});

describe('market store', () => {
  it('lands a burst of tickers in one store update per frame', async () => {
    const frames = manualFrames();
    const fake = fakeTransport();
    const store = createMarketStore(fake.transport, frames.schedule);
    await settle();
    let updates = 0;
    store.subscribe(() => updates++);
    for (let i = 0; i < 50; i++) fake.emit('ticker:updated', ticker(`S${i}/USDT`, i));
    fake.emit('ticker:updated', ticker('S0/USDT', 100));
    expect(updates).toBe(0);
    frames.runFrame();
    expect(updates).toBe(1);
    expect(Object.keys(store.getState().tickers)).toHaveLength(50);
    expect(store.getState().tickers['sim|S0/USDT']?.last).toBe(100);
  });

  it('keeps the newest order book per frame, dates only synced ones, and forgets a book on request', async () => {
    const frames = manualFrames();
    const fake = fakeTransport();
    const store = createMarketStore(fake.transport, frames.schedule);
    await settle();
    const book = (bid: number, synced = true) => ({
      exchange: 'sim',
      symbol: 'BTC/USDT',
      time: 1,
      bids: [[bid, 1]] as [number, number][],
      asks: [[bid + 1, 1]] as [number, number][],
      synced,
    });
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_000);
    fake.emit('orderbook:updated', book(100));
    fake.emit('orderbook:updated', book(101));
    frames.runFrame();
    expect(store.getState().books['sim|BTC/USDT']?.bids).toEqual([[101, 1]]);
    expect(store.getState().seenAt[bookSeenKey('sim', 'BTC/USDT')]).toBe(1_000);
    // The core resends the last book marked unsynced while it resnapshots: not a fresh arrival.
    now.mockReturnValue(2_000);
    fake.emit('orderbook:updated', book(101, false));
    frames.runFrame();
    now.mockRestore();
    expect(store.getState().books['sim|BTC/USDT']?.synced).toBe(false);
    expect(store.getState().seenAt[bookSeenKey('sim', 'BTC/USDT')]).toBe(1_000);
    store.forgetBook('sim', 'BTC/USDT');
    expect(store.getState().books['sim|BTC/USDT']).toBeUndefined();
    expect(store.getState().seenAt[bookSeenKey('sim', 'BTC/USDT')]).toBeUndefined();
  });

  it('takes the exchange list from exchanges:changed at once, ahead of the streams batched after it', async () => {
    const frames = manualFrames();
    const fake = fakeTransport();
    const store = createMarketStore(fake.transport, frames.schedule);
    await settle();
    const binance = {
      id: 'binance',
      name: 'Binance',
      status: 'loading' as const,
      error: null,
      sandbox: false,
      simulated: false,
      marketsLoadedAt: null,
      marketCount: 0,
      capabilities: null,
    };
    // The server sends the new exchange, then its first stream state (core/feed/module.ts).
    fake.emit('exchanges:changed', [binance]);
    fake.emit('stream:state-changed', { id: 'binance|BTC/USDT|1m', exchange: 'binance' });
    expect(store.getState().exchanges).toEqual([binance]);
    expect(store.getState().streams['binance|BTC/USDT|1m']).toBeUndefined();
    frames.runFrame();
    expect(store.getState().streams['binance|BTC/USDT|1m']).toBeDefined();
  });
});

const alert = (id: number, urgent = false): Alert => ({
  id,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'r',
  signal: 'SELL',
  exchange: 'sim',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  candleTime: 0,
  price: 1,
  values: {},
  strength: 1,
  strengthBasis: '',
  message: 'm',
  firedAt: 0,
  status: 'active',
  statusAt: 0,
  urgent,
});

describe('alerts store', () => {
  function setup() {
    const fake = fakeTransport({ 'alerts:counts': { total: 4, byStatus: {}, bySignal: {} } });
    const sounds: string[] = [];
    const sound = {
      play: (id: string) => sounds.push(`play ${id}`),
      repeat: (alertId: number, id: string) => sounds.push(`repeat ${alertId} ${id}`),
      stop: (alertId: number) => sounds.push(`stop ${alertId}`),
      stopAll: () => sounds.push('stop all'),
    } as unknown as SoundPlayer;
    const opened: unknown[] = [];
    const store = createAlertsStore({
      api: fake.transport.api,
      sound,
      browserNotifications: false,
      openChart: (target) => opened.push(target),
    });
    return { fake, store, sounds, opened };
  }

  it('toasts new alerts, counts them for today, and drops the toast when the alert is dismissed', async () => {
    const { fake, store } = setup();
    await settle();
    expect(store.getState().today).toBe(4);
    fake.emit('alert:fired', { alert: alert(1), toast: true, toastSeconds: 8 });
    fake.emit('alert:fired', { alert: alert(2), toast: false, toastSeconds: 8 });
    expect(store.getState().toasts.map((t) => t.alert.id)).toEqual([1]);
    expect(store.getState().today).toBe(6);
    expect(store.getState().revision).toBe(2);
    fake.emit('alerts:status-changed', { status: 'dismissed', count: 1, ids: [1] });
    expect(store.getState().toasts).toEqual([]);
  });

  it('a toast stays the seconds the settings say; an urgent one stays until dismissed', () => {
    vi.useFakeTimers();
    try {
      const { fake, store } = setup();
      fake.emit('alert:fired', { alert: alert(1), toast: true, toastSeconds: 20 });
      fake.emit('alert:fired', { alert: alert(2, true), toast: true, toastSeconds: 20 });
      vi.advanceTimersByTime(19_999);
      expect(store.getState().toasts.map((t) => t.alert.id)).toEqual([1, 2]);
      vi.advanceTimersByTime(1);
      expect(store.getState().toasts.map((t) => t.alert.id)).toEqual([2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('plays sounds as asked, repeats urgent ones until their alert is dismissed', () => {
    const { fake, sounds } = setup();
    fake.emit('notify:sound-requested', { alertId: 5, sound: 'fall', volume: 1, repeatEverySeconds: null });
    fake.emit('notify:sound-requested', { alertId: 6, sound: 'alarm', volume: 1, repeatEverySeconds: 10 });
    fake.emit('alerts:status-changed', { status: 'dismissed', count: 1, ids: [6] });
    fake.emit('alerts:status-changed', { status: 'expired', count: 9_999, ids: null });
    expect(sounds).toEqual(['play fall', 'repeat 6 alarm', 'stop 6', 'stop all']);
  });

  it('tells what a server delivered while disconnected apart from missed alerts, until acknowledged', async () => {
    const { fake, store } = setup();
    await settle();
    fake.emit('remote:alerts-delivered', { alerts: [alert(7), alert(8)], truncated: false, since: 5 });
    expect(store.getState().delivered).toEqual([{ count: 2, since: 5, truncated: false }]);
    expect(store.getState().missed).toEqual([]);
    expect(store.getState().revision).toBe(1);
    // The today counter is read again: the delivered alerts count among today's.
    expect(fake.calls.filter((c) => c.method === 'alerts:counts')).toHaveLength(2);
    store.acknowledgeDelivered();
    expect(store.getState().delivered).toEqual([]);
  });

  it('opens the chart a clicked native notification was about', () => {
    const { fake, opened } = setup();
    const target = { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1m' };
    fake.emit('shell:notification-clicked', { target });
    expect(opened).toEqual([target]);
  });
});

describe('ui store', () => {
  it('remembers what was on screen, and ignores a layout it cannot read', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => void saved.set(k, v),
    };
    const ui = createUiStore(storage);
    ui.getState().openChart({ exchange: 'sim', symbol: 'ETH/USDT' }, { timeframe: '5m' });
    ui.getState().addIndicator({ indicator: 'rsi', period: 14, source: 'close' });
    ui.getState().openDialog({ kind: 'settings' });
    const again = createUiStore(storage).getState();
    expect(again.chart).toEqual({ exchange: 'sim', symbol: 'ETH/USDT' });
    expect(again.timeframe).toBe('5m');
    expect(again.indicators.map((i) => i.ref)).toEqual([{ indicator: 'rsi', period: 14, source: 'close' }]);
    expect(again.dialog).toBeNull();

    saved.set([...saved.keys()][0]!, '{"timeframe":"7x","indicators":[{"ref":{"indicator":"nope"}}]');
    expect(createUiStore(storage).getState().timeframe).toBe('1m');
  });
});

describe('first run', () => {
  it('is offered only with nothing configured, and writes settings main accepts', () => {
    expect(needsOnboarding(defaultSettings())).toBe(true);
    expect(
      needsOnboarding({
        ...defaultSettings(),
        exchanges: { sim: { enabled: true, sandbox: false, ccxt: {} } },
      }),
    ).toBe(false);
    for (const choice of ['binance', 'sim'] as const) {
      const patch = starterSettings(choice);
      expect(settingsPatchSchema.parse(patch).watchlist?.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('knows settings that are still a first-run choice, and nothing the user changed', () => {
    const binance = { ...defaultSettings(), ...settingsPatchSchema.parse(starterSettings('binance')) };
    expect(starterChoiceOf(binance)).toBe('binance');
    expect(
      starterChoiceOf({ ...defaultSettings(), ...settingsPatchSchema.parse(starterSettings('sim')) }),
    ).toBe('sim');
    // One more symbol, or another exchange, is the user's own setup.
    const more = {
      ...binance,
      watchlist: [...binance.watchlist, { ...binance.watchlist[0]!, symbol: 'DOGE/USDT' }],
    };
    expect(starterChoiceOf(more)).toBeNull();
    const other = { ...binance, exchanges: { ...binance.exchanges, sim: binance.exchanges.binance! } };
    expect(starterChoiceOf(other)).toBeNull();
    // Going back to the choice offers it again.
    expect(needsOnboarding({ ...binance, ...settingsPatchSchema.parse(BACK_TO_START) })).toBe(true);
  });
});
