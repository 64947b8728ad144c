import { describe, expect, it } from 'vitest';
import { formatCandles } from '../../../src/main/core/store/export';
import type { Candle } from '../../../src/shared/domain/market';

const candles: Candle[] = [
  [1704067200000, 42000.5, 42010, 41990.25, 42005.1, 12.345],
  [1704067260000, 42005.1, 42020, 42000, 42019.99, 0.00000123],
];
const text = (it: Iterable<string>) => [...it].join('');

describe('formatCandles', () => {
  it('prints CSV with the timestamp,open,high,low,close,volume header and exact numbers', () => {
    expect(text(formatCandles(candles, 'csv'))).toBe(
      'timestamp,open,high,low,close,volume\n' +
        '1704067200000,42000.5,42010,41990.25,42005.1,12.345\n' +
        '1704067260000,42005.1,42020,42000,42019.99,0.00000123\n',
    );
  });

  it('prints a JSON array of objects with the same keys that parses back to the same values', () => {
    const parsed = JSON.parse(text(formatCandles(candles, 'json'))) as Record<string, number>[];
    expect(parsed.map((o) => [o.timestamp, o.open, o.high, o.low, o.close, o.volume])).toEqual(candles);
    expect(Object.keys(parsed[0]!)).toEqual(['timestamp', 'open', 'high', 'low', 'close', 'volume']);
  });

  it('prints a header alone or an empty array when nothing matches', () => {
    expect(text(formatCandles([], 'csv'))).toBe('timestamp,open,high,low,close,volume\n');
    expect(JSON.parse(text(formatCandles([], 'json')))).toEqual([]);
  });

  it('streams in chunks that join into whole lines', () => {
    const many: Candle[] = Array.from({ length: 2_500 }, (_, i) => [i, 1, 2, 0.5, 1.5, 3]);
    const chunks = [...formatCandles(many, 'csv')];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    expect(chunks.join('').trimEnd().split('\n')).toHaveLength(2_501);
    expect(JSON.parse([...formatCandles(many, 'json')].join(''))).toHaveLength(2_500);
  });
});
