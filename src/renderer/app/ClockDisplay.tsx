import { useNow } from './use-now';

const TIME = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } as const;
const localTime = new Intl.DateTimeFormat(undefined, TIME);
const utcTime = new Intl.DateTimeFormat(undefined, { ...TIME, timeZone: 'UTC' });
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Local time and UTC side by side: exchanges stamp candles in UTC, people live in local time. */
export function ClockDisplay() {
  const now = useNow();
  const iso = new Date(now).toISOString();
  return (
    <div className="clock">
      <span title={localZone}>
        <span className="clock-label">Local</span> <time dateTime={iso}>{localTime.format(now)}</time>
      </span>
      <span>
        <span className="clock-label">UTC</span> <time dateTime={iso}>{utcTime.format(now)}</time>
      </span>
    </div>
  );
}
