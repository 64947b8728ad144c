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
  /** the case keeps watching at least this long after the boundary (ms), e.g. through a quiet spell */
  watchUntilMs?: number;
  /** the feed's stale threshold (ms), default 2 s: short, so faults are met quickly */
  staleTimeoutMs?: number;
  /** the case is void unless the engine met at least one faulted REST answer */
  meetsRestFaults?: boolean;
  /**
   * The market around the boundary, set before the engine starts (`boundary` in epoch ms on the
   * fake's clock); with it the scenario has no fault, so every candle after the start is live news:
   * none may be released as backfill (an alert would call it missed) and no stream may go stale.
   */
  market?(faults: VenueFaults, boundary: number): void;
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
  {
    name: 'thin',
    what: 'a thin market: minutes without trades in the warm-up history, and none for 12 s from the boundary on',
    steps: [],
    market(faults, boundary) {
      // several 1m intervals without trades (flat bars or none, by the exchange's rule), then trades
      // in the boundary candle's last 30 s only
      faults.noTrades(boundary - 7 * 60_000, boundary - 30_000);
      // nothing trades after the boundary: the candle that closed there has no later one to close it,
      // and an exchange that skips empty intervals is silent longer than the stale threshold
      faults.noTrades(boundary, boundary + 12_000);
    },
    deadlineMs: 16_000,
    watchUntilMs: 14_000,
    // Long enough that a loaded machine's pauses never look like a dead stream on the exchanges that
    // push every 500 ms; still well inside the 12 s without trades.
    staleTimeoutMs: 5_000,
  },
];

export const MATRIX_TIMEFRAMES = ['1m', '5m', '1h', '1d'] as const;
