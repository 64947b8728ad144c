import type { Logger } from '../core/base/log';

/** How often refusals seen since the last line are summarised. */
const WINDOW_MS = 60_000;

export type RefusalLog = {
  /** A request or socket was refused (foreign Host, Origin, wrong token …). */
  refused(reason: string, data?: Record<string, unknown>): void;
  /** Logs the refusals counted since the last line, if any (the timer calls it; tests too). */
  flush(): void;
  close(): void;
};

/**
 * Any web page the user opens can make their browser knock on the headless port, as often as it
 * likes: a line per refusal would let it flood the log. The first refusal of a quiet spell is logged
 * as it comes (with its details); the ones after it are counted by reason and summarised in one line
 * per minute while they go on.
 */
export function createRefusalLog(log: Logger, windowMs = WINDOW_MS): RefusalLog {
  const counts = new Map<string, number>();
  let timer: ReturnType<typeof setInterval> | undefined;

  const flush = () => {
    if (counts.size === 0) {
      // A quiet window: the next refusal is logged in full again.
      if (timer) clearInterval(timer);
      timer = undefined;
      return;
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    log.warn(`refused ${total} more requests in the last ${Math.round(windowMs / 1000)} s`, {
      byReason: Object.fromEntries(counts),
    });
    counts.clear();
  };

  return {
    refused(reason, data) {
      if (timer === undefined) {
        log.warn(`refused a request: ${reason} (more are counted and summarised once a minute)`, data);
        timer = setInterval(flush, windowMs);
        timer.unref?.();
        return;
      }
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    },
    flush,
    close() {
      if (counts.size > 0) flush();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
