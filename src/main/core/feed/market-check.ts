import { isTimeframe } from '../../../shared/timeframe';
import { MarketDataError } from '../base/classify-error';
import type { MarketSource } from '../exchange/market-source';

/** Fails with a plain-words MarketDataError when the exchange has no such market. */
export function checkSymbol(source: MarketSource, symbol: string): void {
  if (source.market(symbol)) return;
  const near = similarSymbols(source, symbol);
  throw new MarketDataError(
    'bad-symbol',
    `${source.name} has no market "${symbol}"${near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''}`,
  );
}

/** How a timeframe can be served: natively, built from 1m, or not at all (with the reason). */
export function timeframeSupport(source: MarketSource, timeframe: string): 'native' | 'aggregated' {
  const caps = source.capabilities();
  if (caps.timeframes.includes(timeframe)) return 'native';
  if (caps.aggregatedTimeframes.includes(timeframe)) return 'aggregated';
  const offered = [...caps.timeframes, ...caps.aggregatedTimeframes];
  throw new MarketDataError(
    'bad-timeframe',
    isTimeframe(timeframe)
      ? `${source.name} has no ${timeframe} candles; it offers ${offered.join(', ')}`
      : `"${timeframe}" is not a timeframe; use a number and one of s, m, h, d, w, M, like 1m or 4h`,
  );
}

function similarSymbols(source: MarketSource, symbol: string): string[] {
  const wanted = symbol.toUpperCase();
  const [base = '', quote = ''] = wanted.split(/[/:]/);
  const exact = source.markets().find((m) => m.symbol.toUpperCase() === wanted);
  if (exact) return [exact.symbol];
  return source
    .markets()
    .filter(
      (m) =>
        m.base.toUpperCase() === base ||
        (m.base.toUpperCase().startsWith(base) && m.quote.toUpperCase() === quote),
    )
    .slice(0, 3)
    .map((m) => m.symbol);
}

/** Every market stream's first step on each (re)subscribe: markets loaded, then the symbol checked. */
export async function loadAndCheckSymbol(source: MarketSource, symbol: string): Promise<void> {
  await source.loadMarkets();
  checkSymbol(source, symbol);
}
