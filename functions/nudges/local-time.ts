/**
 * Wall-clock time in a user's IANA time zone, with Intl only (no date library): the local date, hour, minute and
 * weekday of an instant, and quiet hours. DST is Intl's: the parts are those of the zone's offset at that instant.
 */

import { clockParts } from '../shared/calendar';

/** An instant as a clock in one zone shows it. */
export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  readonly date: string;
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** The local date, hour, minute and weekday of `instant` in `timeZone`. */
export const localTime = (instant: Date, timeZone: string): LocalTime => {
  const parts = clockParts(instant, timeZone);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.findIndex((day) => day.startsWith(parts.weekday ?? '')),
  };
};

/** Minutes after local midnight of `HH:MM`. */
const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Quiet hours: from `start` to `end`, local time; `end` before `start` runs past midnight. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

/**
 * When nudges may be shown again: `now` itself outside quiet hours, else the end of the quiet hours (to the minute,
 * counted in local minutes from now, so a DST change during the quiet hours moves it by that hour). Equal start and
 * end mean no quiet hours.
 */
export const showableFrom = (now: Date, timeZone: string, quiet: QuietHours | null): Date => {
  if (!quiet) return now;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return now;
  const local = localTime(now, timeZone);
  const current = local.hour * 60 + local.minute;
  const inside = start < end ? current >= start && current < end : current >= start || current < end;
  if (!inside) return now;
  const wait = (end - current + DAY_MINUTES) % DAY_MINUTES;
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + wait * MINUTE_MS);
};

/** Whole days between two local dates (`YYYY-MM-DD`), `to` minus `from`. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
