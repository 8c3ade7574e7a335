/**
 * Dates in the business data. A date without a time is due at the end of that day (UTC); a date-time without an
 * offset is read as UTC, so a result never depends on the host's time zone.
 */

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

const isDateOnly = (iso: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(iso);
const hasOffset = (iso: string): boolean => /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso);

/** Epoch milliseconds of an ISO date (midnight UTC) or date-time (UTC when it has no offset). */
export const startOf = (iso: string): number => Date.parse(isDateOnly(iso) || hasOffset(iso) ? iso : `${iso}Z`);

/** Whether something due at `iso` is late at `now`; a plain date is due by the end of that day. */
export const isPast = (iso: string, now: Date): boolean =>
  (isDateOnly(iso) ? startOf(iso) + DAY_MS - 1 : startOf(iso)) < now.getTime();

/** Whole days from `iso` to `now`. */
export const daysSince = (iso: string, now: Date): number => Math.floor((now.getTime() - startOf(iso)) / DAY_MS);
