import type { FakeExchange } from './fake-exchange';

/**
 * A config file as a user writes it: Binance pointed at the fake exchange, BTC/USDT 1s watched, and
 * one rule that holds on every candle, so every closed candle fires an alert.
 */
export function everyCandleConfig(fake: FakeExchange): Record<string, unknown> {
  return {
    exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
    watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1s'] }],
    rules: [
      {
        name: 'every candle',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1s',
        when: {
          type: 'indicator-threshold',
          indicator: { indicator: 'price' },
          direction: 'above',
          level: 0,
        },
        signal: 'INFO',
      },
    ],
  };
}
