import { hashString, unit } from './hash';

/** What the fake exchange knows about one spot market; prices and sizes are integers of ticks and steps. */
export type MarketSpec = {
  /** ccxt symbol, e.g. 'BTC/USDT' */
  symbol: string;
  /** Binance id, e.g. 'BTCUSDT' */
  id: string;
  base: string;
  quote: string;
  /** tickSize = 10^-priceDecimals */
  priceDecimals: number;
  /** stepSize = 10^-qtyDecimals */
  qtyDecimals: number;
  /** price level the series starts around */
  basePrice: number;
  /** average traded base amount per second */
  volumePerSecond: number;
  /** key of the symbol's random series (seed and name) */
  key: number;
};

type Preset = Pick<MarketSpec, 'priceDecimals' | 'qtyDecimals' | 'basePrice' | 'volumePerSecond'>;

// Realistic Binance spot filters for the default symbols, so ccxt precision handling sees real values.
const PRESETS: Record<string, Preset> = {
  BTC: { priceDecimals: 2, qtyDecimals: 5, basePrice: 65_000, volumePerSecond: 0.4 },
  ETH: { priceDecimals: 2, qtyDecimals: 4, basePrice: 3_200, volumePerSecond: 6 },
  SOL: { priceDecimals: 2, qtyDecimals: 3, basePrice: 150, volumePerSecond: 90 },
  BNB: { priceDecimals: 2, qtyDecimals: 3, basePrice: 580, volumePerSecond: 5 },
};

const SYMBOL_PATTERN = /^([A-Z0-9]{2,12})\/([A-Z0-9]{2,8})$/;

export function marketSpec(symbol: string, seed: number): MarketSpec {
  const match = SYMBOL_PATTERN.exec(symbol);
  if (!match) throw new Error(`Fake exchange: symbol "${symbol}" is not BASE/QUOTE in capitals`);
  const base = match[1]!;
  const quote = match[2]!;
  const key = (hashString(symbol) ^ Math.imul(seed | 0, 0x27d4eb2d)) >>> 0;
  const preset = PRESETS[base];
  if (preset) return { symbol, id: base + quote, base, quote, key, ...preset };
  // Any other symbol (bench runs use hundreds) gets a price between 0.5 and 500 with 4 price decimals.
  const basePrice = 0.5 * Math.pow(1000, unit(key, 90, 0));
  return {
    symbol,
    id: base + quote,
    base,
    quote,
    key,
    priceDecimals: 4,
    qtyDecimals: 2,
    basePrice,
    volumePerSecond: 2_000 / basePrice,
  };
}
