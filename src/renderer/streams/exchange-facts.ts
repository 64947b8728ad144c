import type { ExchangeFacts } from '../../shared/domain/exchange';

const seconds = (ms: number): string => (ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`);

/**
 * What the exchange promises about its streams, in a few words each for the Streams panel; facts
 * nobody documented are left out rather than guessed.
 */
export function describeFacts(facts: ExchangeFacts): string[] {
  const out: string[] = [];
  out.push(facts.closedFlagSent ? 'sends a closed-candle flag' : 'no closed-candle flag');
  if (facts.pushesQuietIntervals !== null)
    out.push(facts.pushesQuietIntervals ? 'pushes while nothing trades' : 'silent while nothing trades');
  if (facts.candlePushMs !== null) out.push(`candles every ${seconds(facts.candlePushMs)}`);
  if (facts.maxStreamsPerSocket !== null) out.push(`≤ ${facts.maxStreamsPerSocket} streams/socket`);
  if (facts.subscribesPerSecond !== null) out.push(`${facts.subscribesPerSecond} subscribes/s`);
  out.push(`bars ${facts.barAlignment}`);
  out.push(facts.oneSecondCandles ? '1s candles' : 'no 1s candles');
  if (facts.bookChecksum) out.push('book checksum');
  return out;
}
