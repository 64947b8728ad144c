/** Times as a trader reads them: local wall clock, with UTC where the exchange's candle grid matters. */

const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const TIME = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const SHORT_DATE_TIME = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export const formatDateTime = (ms: number): string => DATE_TIME.format(ms);
export const formatTime = (ms: number): string => TIME.format(ms);
export const formatShortDateTime = (ms: number): string => SHORT_DATE_TIME.format(ms);

/** "just now", "4 s", "3 min", "2 h 5 min", "3 d": how long ago, short enough for a table cell. */
export function formatAge(ms: number): string {
  if (ms < 1_000) return 'just now';
  const s = Math.floor(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d`;
}

/** Midnight of the local day containing `now`: "alerts today" counts from here. */
export function startOfLocalDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

const YEAR = new Intl.DateTimeFormat(undefined, { year: 'numeric' });
const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short' });
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const HOUR_MINUTE = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Labels of the chart's time axis by how coarse the tick is (lightweight-charts' TickMarkType order). */
export function formatTick(ms: number, kind: 'year' | 'month' | 'day' | 'time' | 'seconds'): string {
  switch (kind) {
    case 'year':
      return YEAR.format(ms);
    case 'month':
      return MONTH.format(ms);
    case 'day':
      return DAY.format(ms);
    case 'time':
      return HOUR_MINUTE.format(ms);
    case 'seconds':
      return TIME.format(ms);
  }
}
