import type { Candle } from '../../../shared/domain/market';

export type ExportFormat = 'csv' | 'json';

export const CANDLE_CSV_HEADER = 'timestamp,open,high,low,close,volume';

/** Lines per chunk: big enough that writing costs little, small enough to stream. */
const CHUNK_LINES = 1_000;

/**
 * Closed candles as text, chunk by chunk. CSV: `timestamp,open,high,low,close,volume` with the open
 * time in epoch ms. JSON: one array of objects with the same keys, one candle per line. Numbers are
 * printed the way JavaScript round-trips them, so the values are exactly the stored doubles.
 */
export function* formatCandles(candles: Iterable<Candle>, format: ExportFormat): Generator<string> {
  let lines: string[] = [];
  let first = true;
  if (format === 'csv') lines.push(CANDLE_CSV_HEADER);
  for (const [timestamp, open, high, low, close, volume] of candles) {
    if (format === 'csv') {
      lines.push(`${timestamp},${open},${high},${low},${close},${volume}`);
    } else {
      const obj = JSON.stringify({ timestamp, open, high, low, close, volume });
      lines.push(first ? `[\n${obj}` : `,\n${obj}`);
      first = false;
    }
    if (lines.length >= CHUNK_LINES) {
      yield joinChunk(lines, format);
      lines = [];
    }
  }
  if (format === 'json') lines.push(first ? '[]\n' : '\n]\n');
  if (lines.length > 0) yield joinChunk(lines, format);
}

const joinChunk = (lines: string[], format: ExportFormat): string =>
  format === 'csv' ? `${lines.join('\n')}\n` : lines.join('');
