/**
 * Dates in the business data, read on the tenant's calendar (shared/calendar.ts): a date without a time is due at
 * the end of that local day, so the result never depends on the host's time zone, and an action due today is not
 * overdue today.
 */
import { isOverdue, localDaysSince } from '../shared/calendar';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

const isDateOnly = (iso: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(iso);
const hasOffset = (iso: string): boolean => /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso);

/** Epoch milliseconds of an ISO date (midnight UTC) or date-time (UTC when it has no offset). */
export const startOf = (iso: string): number => Date.parse(isDateOnly(iso) || hasOffset(iso) ? iso : `${iso}Z`);

/** Whether something due at `iso` is late at `now` in `timeZone`; a plain date is due by the end of that local day. */
export const isPast = (iso: string, now: Date, timeZone: string): boolean => isOverdue(iso, now, timeZone);

/** Whole local days from `iso` to `now` in `timeZone`. */
export const daysSince = (iso: string, now: Date, timeZone: string): number => localDaysSince(iso, now, timeZone);
