import { describe, expect, it } from 'vitest';
import { quietInWords, stateHint } from '../../../src/renderer/streams/stream-words';

const age = (ms: number) => `${Math.round(ms / 1000)} s`;

describe('quietInWords', () => {
  it('says how long a confirmed quiet market has been silent, by the core clock', () => {
    expect(quietInWords({ quietSince: 1_000, lastMessageAgeMs: 95_000 }, age)).toBe(
      'quiet market: no trades for 95 s (the exchange confirms)',
    );
  });

  it('says nothing for a stream that is not quiet', () => {
    expect(quietInWords({ quietSince: null, lastMessageAgeMs: 95_000 }, age)).toBeNull();
  });
});

describe('stateHint', () => {
  it("adds the channel's stale threshold to the state's meaning once the core knows it", () => {
    expect(stateHint({ state: 'live', staleAfterMs: 25_000 }, age)).toBe(
      'Data is flowing. Called stale after 25 s without data.',
    );
    expect(stateHint({ state: 'live', staleAfterMs: null }, age)).toBe('Data is flowing.');
  });
});
