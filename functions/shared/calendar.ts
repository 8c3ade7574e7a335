/**
 * The tenant's calendar: which local day an instant falls on in an IANA time zone (Intl only, no date library),
 * and whether something due on a day is overdue. "Overdue" means past the due date in the tenant's zone: a plain
 * date is due by the end of that local day, so an action due today is never overdue today.
 */

/** The zone a tenant's calendar is read in when nothing else is known. */
export const DEFAULT_TIME_ZONE = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();
const clockFormatter = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/**
 * The parts a clock in `timeZone` shows at `instant` (`year`, `month`, `day`, `hour`, `minute`, `second`, zero-padded;
 * `weekday` as `Sun`...`Sat`), from one cached Intl formatter per zone; DST is Intl's.
 */
export const clockParts = (instant: Date, timeZone: string): Readonly<Record<string, string>> =>
  Object.fromEntries(
    clockFormatter(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );

/** The local wall-clock time (`YYYY-MM-DDTHH:MM:SS`) of `instant` in `timeZone`. */
export const localDateTime = (instant: Date, timeZone: string): string => {
  const parts = clockParts(instant, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
};

/** Whether Intl knows the zone (IANA names such as Europe/Berlin). */
export const isTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
};

/** The local day (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export const localDay = (instant: Date, timeZone: string): string => localDateTime(instant, timeZone).slice(0, 10);

const isDateOnly = (iso: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(iso);
const hasOffset = (iso: string): boolean => /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso);

/**
 * Whether something due at `due` is overdue at `now` in `timeZone`: a plain date is overdue from the next local day
 * on; a date-time without an offset is a local wall-clock time there; one with an offset, that instant.
 */
export const isOverdue = (due: string, now: Date, timeZone: string): boolean => {
  if (isDateOnly(due)) return due < localDay(now, timeZone);
  if (hasOffset(due)) return Date.parse(due) < now.getTime();
  return due.slice(0, 19) < localDateTime(now, timeZone).slice(0, due.slice(0, 19).length);
};

const dayNumber = (day: string): number => Math.floor(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / 86_400_000);

/** Whole local days from the day of `iso` to the local day of `now` in `timeZone` (0 on the same day). */
export const localDaysSince = (iso: string, now: Date, timeZone: string): number => {
  const from = !isDateOnly(iso) && hasOffset(iso) ? localDay(new Date(iso), timeZone) : iso.slice(0, 10);
  return dayNumber(localDay(now, timeZone)) - dayNumber(from);
};
