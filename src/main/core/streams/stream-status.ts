import type {
  StreamError,
  StreamInfo,
  StreamKind,
  StreamState,
  StreamTransport,
} from '../../../shared/domain/stream';
import type { Clock } from '../base/clock';

export type StreamIdentity = {
  id: string;
  kind: StreamKind;
  exchange: string;
  symbol: string;
  timeframe: string | null;
  transport: StreamTransport;
};

const MAX_ERRORS = 100;
const RATE_WINDOW_SAMPLES = 11;

/**
 * State and counters of one stream. Counting a message is a few field writes (it runs on every
 * update); the rate is derived from once-a-second samples taken by the feed's watchdog tick.
 */
export class StreamStatus {
  private current: StreamState = 'connecting';
  private since: number;
  private lastErr: StreamError | null = null;
  private readonly errorLog: StreamError[] = [];
  private count = 0;
  private reconnectCount = 0;
  private lastAt: number | null = null;
  private latency: number | null = null;
  private quietFrom: number | null = null;
  private readonly samples: Array<[time: number, messages: number]> = [];
  /** the silence after which this stream is called stale (its channel's threshold), once known */
  staleAfterMs: number | null = null;
  /** when the stream last (re)subscribed: a stream that never gets data goes stale from here */
  attemptAt: number;

  constructor(
    readonly identity: StreamIdentity,
    private readonly clock: Clock,
    private readonly onChange: (info: StreamInfo) => void,
  ) {
    this.since = clock.now();
    this.attemptAt = this.since;
  }

  get state(): StreamState {
    return this.current;
  }

  get lastMessageAt(): number | null {
    return this.lastAt;
  }

  get errors(): readonly StreamError[] {
    return this.errorLog;
  }

  set(state: StreamState): void {
    if (state === this.current) return;
    this.current = state;
    this.since = this.clock.now();
    this.onChange(this.snapshot());
  }

  message(now: number, exchangeTime?: number | null): void {
    this.count++;
    this.lastAt = now;
    if (this.quietFrom !== null) this.setQuiet(null);
    if (exchangeTime != null) this.latency = now - exchangeTime;
  }

  /** The exchange confirmed nothing traded since `since` (null: data flows again, or not known). */
  setQuiet(since: number | null): void {
    if (since === this.quietFrom) return;
    this.quietFrom = since;
    this.onChange(this.snapshot());
  }

  get quietSince(): number | null {
    return this.quietFrom;
  }

  /**
   * A failure while already failing is news although the state stays (reconnecting → reconnecting):
   * the UI shows the latest error and when it happened, e.g. a retry that failed again on the chart.
   * A first failure is told with the state change that follows it.
   */
  error(error: StreamError): void {
    this.lastErr = error;
    this.errorLog.push(error);
    if (this.errorLog.length > MAX_ERRORS) this.errorLog.shift();
    if (this.current === 'reconnecting' || this.current === 'error') this.onChange(this.snapshot());
  }

  reconnected(): void {
    this.reconnectCount++;
  }

  sample(now: number): void {
    this.samples.push([now, this.count]);
    if (this.samples.length > RATE_WINDOW_SAMPLES) this.samples.shift();
  }

  snapshot(): StreamInfo {
    const now = this.clock.now();
    return {
      ...this.identity,
      state: this.current,
      stateSince: this.since,
      lastError: this.lastErr,
      messages: this.count,
      messagesPerSecond: this.rate(),
      reconnects: this.reconnectCount,
      lastMessageAt: this.lastAt,
      lastMessageAgeMs: this.lastAt === null ? null : Math.max(0, now - this.lastAt),
      quietSince: this.quietFrom,
      staleAfterMs: this.staleAfterMs,
      latencyMs: this.latency,
    };
  }

  private rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last[0] <= first[0]) return 0;
    return Math.round(((last[1] - first[1]) * 1000 * 100) / (last[0] - first[0])) / 100;
  }
}
