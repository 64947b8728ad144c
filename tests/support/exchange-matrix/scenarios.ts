import type { VenueFaults } from '../fake-exchange';

/**
 * A fault pattern around one UTC midnight, where the 1m, 5m, 1h and 1d bars all close at once.
 * `steps` run at `at` ms relative to that boundary (negative: before it) on the fake's clock.
 */
export type MatrixScenario = {
  name: string;
  what: string;
  steps: { at: number; act(faults: VenueFaults): void }[];
  /** the candle that closed at the boundary must be stored by then (ms after the boundary) */
  deadlineMs: number;
  /** the case is void unless the engine met at least one faulted REST answer */
  meetsRestFaults?: boolean;
};

export const MATRIX_SCENARIOS: readonly MatrixScenario[] = [
  {
    name: 'drops',
    what: 'every socket dropped just before the boundary and again just after it',
    steps: [
      { at: -1_200, act: (f) => f.dropAllConnections() },
      { at: 150, act: (f) => f.dropAllConnections() },
    ],
    deadlineMs: 8_000,
  },
  {
    name: 'malformed',
    what: 'a frame that is not JSON on every socket on each side of the boundary',
    steps: [
      { at: -600, act: (f) => f.sendMalformedFrame() },
      { at: 100, act: (f) => f.sendMalformedFrame() },
    ],
    deadlineMs: 8_000,
  },
  {
    name: 'stall',
    what: 'sockets open and answering pings but silent across the boundary (the closing pushes are lost)',
    steps: [{ at: -1_500, act: (f) => f.stall(4_000) }],
    deadlineMs: 12_000,
  },
  {
    name: 'rate-limit',
    what: "a silent socket across the boundary, and the exchange's own rate-limit answer to the backfill after it",
    steps: [
      { at: -1_500, act: (f) => f.rateLimit(3) },
      { at: -1_500, act: (f) => f.stall(3_500) },
    ],
    deadlineMs: 25_000,
    meetsRestFaults: true,
  },
];

export const MATRIX_TIMEFRAMES = ['1m', '5m', '1h', '1d'] as const;
