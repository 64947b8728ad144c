import { z } from 'zod';

/**
 * Which indicator a rule reads, with its parameters and (for indicators with several lines) which
 * line. The same schema validates rules in the UI and in main, so a bad period is refused in both
 * places with the same words.
 */

const MAX_PERIOD = 1_000;

const period = (label: string, fallback: number, min = 1) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be at least ${min}`)
    .max(MAX_PERIOD, `${label} must be at most ${MAX_PERIOD}`)
    .default(fallback);

/** Which price of a candle an indicator reads; hl2/hlc3/ohlc4 are the usual averages. */
export const priceSourceSchema = z.enum(['open', 'high', 'low', 'close', 'hl2', 'hlc3', 'ohlc4']);
export type PriceSource = z.output<typeof priceSourceSchema>;

const source = priceSourceSchema.default('close');

const priceRef = z.object({ indicator: z.literal('price'), source }).strict();
const volumeRef = z.object({ indicator: z.literal('volume') }).strict();
const smaRef = z.object({ indicator: z.literal('sma'), period: period('SMA period', 20), source }).strict();
const emaRef = z.object({ indicator: z.literal('ema'), period: period('EMA period', 20), source }).strict();
const wmaRef = z.object({ indicator: z.literal('wma'), period: period('WMA period', 20), source }).strict();
const rsiRef = z
  .object({ indicator: z.literal('rsi'), period: period('RSI period', 14, 2), source })
  .strict();
const macdRef = z
  .object({
    indicator: z.literal('macd'),
    fast: period('MACD fast period', 12),
    slow: period('MACD slow period', 26),
    signal: period('MACD signal period', 9),
    output: z.enum(['macd', 'signal', 'histogram']).default('macd'),
    source,
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.fast >= m.slow)
      ctx.addIssue({
        code: 'custom',
        path: ['fast'],
        message: `MACD fast period (${m.fast}) must be shorter than its slow period (${m.slow})`,
      });
  });
const bollingerRef = z
  .object({
    indicator: z.literal('bollinger'),
    period: period('Bollinger period', 20, 2),
    stdDev: z
      .number({ error: 'Bollinger stdDev must be a number' })
      .positive('Bollinger stdDev must be above 0')
      .max(10, 'Bollinger stdDev must be at most 10')
      .default(2),
    output: z.enum(['upper', 'middle', 'lower']).default('middle'),
    source,
  })
  .strict();
const atrRef = z.object({ indicator: z.literal('atr'), period: period('ATR period', 14) }).strict();
const stochRef = z
  .object({
    indicator: z.literal('stoch'),
    kPeriod: period('Stochastic %K period', 14),
    kSmooth: period('Stochastic %K smoothing', 3),
    dPeriod: period('Stochastic %D period', 3),
    output: z.enum(['k', 'd']).default('k'),
  })
  .strict();
const stochRsiRef = z
  .object({
    indicator: z.literal('stochrsi'),
    rsiPeriod: period('Stochastic RSI: RSI period', 14, 2),
    stochPeriod: period('Stochastic RSI: stochastic period', 14),
    kSmooth: period('Stochastic RSI %K smoothing', 3),
    dPeriod: period('Stochastic RSI %D period', 3),
    output: z.enum(['k', 'd']).default('k'),
    source,
  })
  .strict();
const vwapRef = z.object({ indicator: z.literal('vwap') }).strict();
const obvRef = z.object({ indicator: z.literal('obv') }).strict();
const volumeSmaRef = z
  .object({ indicator: z.literal('volume-sma'), period: period('volume SMA period', 20) })
  .strict();

export const indicatorRefSchema = z.discriminatedUnion(
  'indicator',
  [
    priceRef,
    volumeRef,
    smaRef,
    emaRef,
    wmaRef,
    rsiRef,
    macdRef,
    bollingerRef,
    atrRef,
    stochRef,
    stochRsiRef,
    vwapRef,
    obvRef,
    volumeSmaRef,
  ],
  {
    error: () =>
      'indicator must be one of price, volume, sma, ema, wma, rsi, macd, bollinger, atr, stoch, stochrsi, vwap, obv, volume-sma',
  },
);
export type IndicatorRef = z.output<typeof indicatorRefSchema>;
export type IndicatorKind = IndicatorRef['indicator'];

/** What a value means, for strength: oscillators live on 0..100, the rest on the price or volume scale. */
export type IndicatorScale = 'price' | 'oscillator' | 'volume';

export function indicatorScale(ref: IndicatorRef): IndicatorScale {
  switch (ref.indicator) {
    case 'rsi':
    case 'stoch':
    case 'stochrsi':
      return 'oscillator';
    case 'volume':
    case 'volume-sma':
    case 'obv':
      return 'volume';
    default:
      return 'price';
  }
}

/** Short human label, as a chart legend shows it: `EMA(9)`, `MACD(12,26,9) signal`, `close`. */
export function indicatorLabel(ref: IndicatorRef): string {
  const src = 'source' in ref && ref.source !== 'close' ? ` ${ref.source}` : '';
  switch (ref.indicator) {
    case 'price':
      return ref.source;
    case 'volume':
      return 'volume';
    case 'sma':
    case 'ema':
    case 'wma':
    case 'rsi':
      return `${ref.indicator.toUpperCase()}(${ref.period}${src})`;
    case 'macd':
      return `MACD(${ref.fast},${ref.slow},${ref.signal}${src}) ${ref.output}`;
    case 'bollinger':
      return `BB(${ref.period},${ref.stdDev}${src}) ${ref.output}`;
    case 'atr':
      return `ATR(${ref.period})`;
    case 'stoch':
      return `Stoch(${ref.kPeriod},${ref.kSmooth},${ref.dPeriod}) %${ref.output.toUpperCase()}`;
    case 'stochrsi':
      return `StochRSI(${ref.rsiPeriod},${ref.stochPeriod},${ref.kSmooth},${ref.dPeriod}${src}) %${ref.output.toUpperCase()}`;
    case 'vwap':
      return 'VWAP';
    case 'obv':
      return 'OBV';
    case 'volume-sma':
      return `volume SMA(${ref.period})`;
  }
}
