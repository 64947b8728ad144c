import { z } from 'zod';
import { isTimeframe } from '../timeframe';

/** ccxt exchange ids are lowercase; users type them any way. */
export const exchangeIdSchema = z
  .string()
  .trim()
  .min(1, 'exchange id is empty')
  .max(40)
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(/^[a-z][a-z0-9]*$/, 'exchange id must be letters and digits, like "binance"'));

export const symbolSchema = z
  .string()
  .trim()
  .min(3, 'symbol is too short')
  .max(60)
  .regex(
    /^[A-Za-z0-9]+\/[A-Za-z0-9]+(:[A-Za-z0-9]+)?(-[A-Za-z0-9-]+)?$/,
    'symbol must look like BASE/QUOTE, e.g. BTC/USDT',
  );

export const timeframeSchema = z
  .string()
  .refine(isTimeframe, { message: 'timeframe must be a number and one of s, m, h, d, w, M, like 1m or 4h' });

export type ExchangeId = z.output<typeof exchangeIdSchema>;
