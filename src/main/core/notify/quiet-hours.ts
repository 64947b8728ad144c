import type { NotificationSettings } from '../../../shared/domain/notifications';

type QuietHours = NotificationSettings['sound']['quietHours'];

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `date` falls in the quiet hours, read on the local clock of the machine running the
 * core (the user's). A range may cross midnight (22:00 → 07:00); start = end is an empty range.
 */
export function inQuietHours(date: Date, quiet: QuietHours): boolean {
  if (!quiet.enabled) return false;
  const now = date.getHours() * 60 + date.getMinutes();
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
