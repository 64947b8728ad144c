import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import { warmupInWords } from '../../../src/renderer/streams/stream-words';

type Row = Pick<StreamInfo, 'kind' | 'state' | 'reconnects'>;
const rows = (n: number, row: Row): Row[] => Array.from({ length: n }, () => ({ ...row }));

describe('warmupInWords (Streams panel)', () => {
  it('counts the candle streams still on their first start, in words', () => {
    const streams = [
      ...rows(2_106, { kind: 'candles', state: 'live', reconnects: 0 }),
      ...rows(733, { kind: 'candles', state: 'backfilling', reconnects: 0 }),
      ...rows(161, { kind: 'candles', state: 'connecting', reconnects: 0 }),
      ...rows(1_000, { kind: 'ticker', state: 'connecting', reconnects: 0 }),
    ];
    expect(warmupInWords(streams)).toBe(
      "Starting 3,000 candle streams: 2,106 live, 733 fetching their warm-up history over REST, paced by the exchange's rate limit, 161 connecting.",
    );
  });

  it('is silent once every stream has started; a gap filled after a reconnect is no warm-up', () => {
    expect(
      warmupInWords([
        ...rows(10, { kind: 'candles', state: 'live', reconnects: 0 }),
        { kind: 'candles', state: 'backfilling', reconnects: 1 },
        { kind: 'candles', state: 'stopped', reconnects: 0 },
      ]),
    ).toBeNull();
  });
});
