import type { Dispatch } from '../contract/dispatch';
import type { Logger } from '../base/log';

export const REDACTED = '[redacted]';

/** Below this length a value is only masked as a whole token, or masking it would mangle every log line. */
const SHORT = 8;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Masks every secret value it was given, in any text: raw, as JSON escapes it (a log record's data
 * is JSON) and URL-encoded (ccxt puts apiKey in query strings and echoes request URLs in errors).
 * Values are never removed during a session: a key deleted a minute ago must not appear either.
 */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;

  add(value: string): void {
    if (value.length === 0 || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = this.build();
  }

  readonly redact = (text: string): string => (this.pattern ? text.replace(this.pattern, REDACTED) : text);

  private build(): RegExp {
    const variants = new Set<string>();
    for (const v of this.values) {
      variants.add(v);
      variants.add(JSON.stringify(v).slice(1, -1));
      variants.add(encodeURIComponent(v));
    }
    const alternatives = [...variants]
      .sort((a, b) => b.length - a.length)
      .map((v) =>
        v.length >= SHORT ? escapeRegExp(v) : `(?<![A-Za-z0-9])${escapeRegExp(v)}(?![A-Za-z0-9])`,
      );
    return new RegExp(alternatives.join('|'), 'g');
  }
}

/**
 * A logger whose messages and data pass through `redact` before `inner` sees them: the core wraps
 * the logger it was given, so every record of every service is scrubbed whatever sink the shell chose.
 */
export function redactingLogger(inner: Logger, redact: (text: string) => string): Logger {
  const scrubData = (data?: Record<string, unknown>) =>
    data && (JSON.parse(redact(JSON.stringify(data, errorReplacer))) as Record<string, unknown>);
  return {
    debug: (m, d) => inner.debug(redact(m), scrubData(d)),
    info: (m, d) => inner.info(redact(m), scrubData(d)),
    warn: (m, d) => inner.warn(redact(m), scrubData(d)),
    error: (m, d) => inner.error(redact(m), scrubData(d)),
    child: (ns) => redactingLogger(inner.child(ns), redact),
  };
}

// Errors have no enumerable fields: without this an `{ error }` in log data would print as {}.
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** Error messages leave the core redacted too: a handler's error may quote what ccxt echoed. */
export function redactingDispatch(dispatch: Dispatch, redact: (text: string) => string): Dispatch {
  return async (method, input, client) => {
    const result = await dispatch(method, input, client);
    if (result.ok) return result;
    return { ok: false, error: { code: result.error.code, message: redact(result.error.message) } };
  };
}
