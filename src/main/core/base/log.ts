export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogRecord = {
  time: number;
  level: LogLevel;
  ns: string;
  msg: string;
  data?: Record<string, unknown>;
};
export type LogSink = (record: LogRecord) => void;

export type Logger = {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  /** A logger for a sub-namespace, like `feed:binance`. */
  child(ns: string): Logger;
};

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Every log record passes through `scrub` before it reaches the sink, so a secret that slipped into
 * a message or an error (ccxt echoes request parameters in some errors) is never written out.
 */
export function createLogger(
  sink: LogSink,
  opts: { level?: LogLevel; ns?: string; scrub?: (text: string) => string } = {},
): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const scrub = opts.scrub ?? ((s: string) => s);
  const make = (ns: string): Logger => {
    const write = (level: LogLevel, msg: string, data?: Record<string, unknown>) => {
      if (ORDER[level] < min) return;
      const record: LogRecord = { time: Date.now(), level, ns, msg: scrub(msg) };
      if (data)
        record.data = JSON.parse(scrub(JSON.stringify(data, errorReplacer))) as Record<string, unknown>;
      sink(record);
    };
    return {
      debug: (m, d) => write('debug', m, d),
      info: (m, d) => write('info', m, d),
      warn: (m, d) => write('warn', m, d),
      error: (m, d) => write('error', m, d),
      child: (sub) => make(ns ? `${ns}:${sub}` : sub),
    };
  };
  return make(opts.ns ?? '');
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** One JSON line per record on stderr: stdout belongs to the headless ready line and the export CLI. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(`${JSON.stringify(record)}\n`);
};

export const silentLogger = (): Logger => createLogger(() => {});
