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
