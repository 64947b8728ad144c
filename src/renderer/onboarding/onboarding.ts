import type { Settings, SettingsPatch, WatchItem } from '../../shared/domain/settings';

/** First run: nothing configured and nothing watched. */
export function needsOnboarding(settings: Settings | undefined): boolean {
  return (
    settings !== undefined && Object.keys(settings.exchanges).length === 0 && settings.watchlist.length === 0
  );
}

export type StarterChoice = 'binance' | 'sim';

const item = (exchange: string, symbol: string, timeframes: string[]): WatchItem => ({
  exchange,
  symbol,
  timeframes,
});

/** What each first-run choice writes: the exchange and a watchlist to start from. */
export function starterSettings(choice: StarterChoice): SettingsPatch & { watchlist: WatchItem[] } {
  if (choice === 'binance') {
    return {
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: { options: { defaultType: 'spot' } } } },
      watchlist: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT'].map((s) =>
        item('binance', s, ['1m', '1h']),
      ),
    };
  }
  return {
    exchanges: { sim: { enabled: true, sandbox: false, ccxt: {} } },
    watchlist: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'].map((s) => item('sim', s, ['1m'])),
  };
}

/**
 * The settings are still exactly what a first-run choice wrote (its one exchange, its watchlist):
 * replacing them with another choice, or going back to the choice, loses nothing the user made.
 */
export function starterChoiceOf(settings: Settings | undefined): StarterChoice | null {
  if (!settings) return null;
  for (const choice of ['binance', 'sim'] as const) {
    const starter = starterSettings(choice);
    const same =
      JSON.stringify(Object.keys(settings.exchanges)) ===
        JSON.stringify(Object.keys(starter.exchanges ?? {})) &&
      JSON.stringify(settings.watchlist.map((w) => [w.exchange, w.symbol])) ===
        JSON.stringify(starter.watchlist.map((w) => [w.exchange, w.symbol]));
    if (same) return choice;
  }
  return null;
}

/** What going back to the first-run choice writes: nothing configured, nothing watched. */
export const BACK_TO_START: SettingsPatch = { exchanges: {}, watchlist: [] };
