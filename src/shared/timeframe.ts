/** Timeframes as exchanges spell them: a count and a unit (s, m, h, d, w, M). */
export type Timeframe = string;

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  // A calendar month has no fixed length; 30 days is only used for sizing, alignment uses the calendar.
  M: 2_592_000_000,
};

const PATTERN = /^([1-9][0-9]{0,2})([smhdwM])$/;

export type ParsedTimeframe = { count: number; unit: keyof typeof UNIT_MS; ms: number };

export function parseTimeframe(tf: string): ParsedTimeframe {
  const match = PATTERN.exec(tf);
  if (!match)
    throw new Error(
      `Unknown timeframe "${tf}": expected a number and one of s, m, h, d, w, M (like 1m or 4h)`,
    );
  const count = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return { count, unit, ms: count * (UNIT_MS[unit] ?? 0) };
}

export function isTimeframe(tf: string): boolean {
  return PATTERN.test(tf);
}

export function timeframeMs(tf: string): number {
  return parseTimeframe(tf).ms;
}

/** Open time of the candle that contains `time` (epoch ms, UTC). Weeks open on Monday like Binance's. */
export function alignTime(time: number, tf: string): number {
  const { count, unit, ms } = parseTimeframe(tf);
  if (unit === 'M') {
    const d = new Date(time);
    const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const aligned = months - (months % count);
    return Date.UTC(Math.floor(aligned / 12), aligned % 12, 1);
  }
  if (unit === 'w') {
    // 1970-01-01 was a Thursday; Monday 1970-01-05 is the week epoch.
    const mondayEpoch = 4 * UNIT_MS.d!;
    return time - ((((time - mondayEpoch) % ms) + ms) % ms);
  }
  return time - (((time % ms) + ms) % ms);
}

/** Open time of the candle after the one opening at `openTime`. */
export function nextOpenTime(openTime: number, tf: string): number {
  const { count, unit, ms } = parseTimeframe(tf);
  if (unit === 'M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + count, 1);
  }
  return openTime + ms;
}
