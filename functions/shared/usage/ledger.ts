/**
 * The usage ledger's port: what metering and limits store, and the UTC periods they are counted in. Its adapters are
 * DynamoUsageLedger (dynamo-usage-ledger.ts) and the in-memory twin InMemoryUsageLedger (in-memory-usage-ledger.ts);
 * the arithmetic both share is in accounting.ts.
 */
import * as z from '../zod';
import type { ModelUsage } from '../llm/port';

/**
 * What kind of work a model call served. Each capability names its own (insights: `insights`, the nightly run:
 * `batch`, conversations: `conversation`, nudges: `nudge_phrasing`); reports list the types that were used, so no list
 * here grows with them.
 */
export type RequestType = string;

/** The largest monthly token budget a tenant can have (a trillion tokens). */
export const MAX_MONTHLY_TOKEN_BUDGET = 1_000_000_000_000;
/** The largest monthly cost budget a tenant can have, in US dollars. */
export const MAX_MONTHLY_COST_BUDGET_USD = 1_000_000;
/** The most requests per minute a tenant's user can be allowed. */
export const MAX_USER_REQUESTS_PER_MINUTE = 10_000;

/**
 * A tenant's limits: monthly budgets (reset at the start of each UTC month) and a per-user request rate, each bounded
 * (a budget beyond these is no budget, and the SDK refuses to write a number past Number.MAX_SAFE_INTEGER).
 */
export const tenantLimitsSchema = z.object({
  monthlyTokenBudget: z.number().check(z.int(), z.minimum(0), z.maximum(MAX_MONTHLY_TOKEN_BUDGET)),
  monthlyCostBudgetUsd: z.number().check(z.minimum(0), z.maximum(MAX_MONTHLY_COST_BUDGET_USD)),
  userRequestsPerMinute: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_USER_REQUESTS_PER_MINUTE)),
});
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

/** A change to a tenant's override: a value sets that limit, `null` clears it (the default applies), absent keeps it. */
export type LimitsChange = { readonly [K in keyof TenantLimits]?: TenantLimits[K] | null };

/** How a model was chosen for a call. */
export interface RoutingRecord {
  readonly reason: string;
  readonly complexity: string;
  /** The model the call was meant for, when another one served it (fallback). */
  readonly fallbackFrom?: string;
}

/** One model call, as metered. */
export interface UsageEvent {
  readonly tenantId: string;
  readonly userId: string;
  readonly requestType: RequestType;
  readonly promptTopic: string;
  readonly promptVersion: string;
  /** The model that actually answered. */
  readonly modelId: string;
  readonly usage: ModelUsage;
  readonly latencyMs: number;
  readonly costMicros: number;
  readonly outcome: 'ok' | 'repaired' | 'fallback' | 'failed';
  readonly routing: RoutingRecord;
  readonly correlationId: string;
  readonly at: Date;
}

/**
 * Budget held for a call in flight: counted against the month until it is settled or released, or until it expires
 * (its call's function died before either).
 */
export interface Reservation {
  /** Identifies the reservation: settling or releasing it a second time changes nothing. */
  readonly id: string;
  readonly tenantId: string;
  readonly month: string;
  readonly tokens: number;
  readonly costMicros: number;
  /** The larger of token and cost use (committed, this reservation included) over the budget. */
  readonly utilization: number;
  /**
   * The larger of the token and cost shares of the budgets the month would end at, at its current daily pace
   * (projectAtPace of what settled calls used so far); above 1 the month is on course to run out.
   */
  readonly projectedUtilization: number;
  /** From when a sweep stops counting it, if it was neither settled nor released. */
  readonly expiresAt: Date;
}

/** How long a reservation taken without an expiry counts at most: the longest a Lambda function runs, and a margin. */
export const DEFAULT_RESERVATION_MS = 16 * 60_000;
/**
 * How long a swept reservation is remembered after its expiry, so that a settle arriving after the sweep still counts
 * the call (once); a settle later than that (no invocation lives so long) is dropped.
 */
export const SWEPT_MEMORY_MS = 60 * 60_000;

/** Outcome of asking for a reservation. */
export type ReservationResult =
  | { readonly ok: true; readonly reservation: Reservation }
  | { readonly ok: false; readonly exceeded: 'tokens' | 'cost'; readonly resetAt: Date };

/** What one request type or model used in a period. `tokens` is input + output; cache reads and writes are apart. */
export interface UsageBreakdown {
  readonly calls: number;
  readonly tokens: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly costMicros: number;
}

/** Counters of a period (a month or a day), overall and by request type and model. */
export interface UsageTotals {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly totalTokens: number;
  readonly costMicros: number;
  readonly byRequestType: Readonly<Record<string, UsageBreakdown>>;
  readonly byModel: Readonly<Record<string, UsageBreakdown>>;
}

/** A month of one tenant: totals plus what is committed (used + reserved) against the budgets. */
export interface MonthUsage extends UsageTotals {
  readonly month: string;
  readonly committedTokens: number;
  readonly committedCostMicros: number;
}

/** The day totals of one tenant, or of all tenants. */
export interface DayUsage extends UsageTotals {
  readonly day: string;
}

/** A tenant's month in the cross-tenant ranking. */
export interface TenantMonthTotal {
  readonly tenantId: string;
  readonly calls: number;
  readonly totalTokens: number;
  readonly costMicros: number;
}

/**
 * Metering and limits storage: events, atomic rollups, expiring reservations, per-tenant limits, per-user rate
 * windows. Every counter is updated atomically, so concurrent calls add up exactly; tenants never see each other's data (the
 * all-tenant days and the ranking are the documented cross-tenant reads).
 */
export interface UsageLedger {
  /** The tenant's override of the default limits, if any, read consistently (budget decisions are made on it). */
  limitsOverride(tenantId: string): Promise<Partial<TenantLimits> | undefined>;
  /**
   * Sets the limits the change names and clears those it sets to null, each field on its own (concurrent changes of
   * different fields all land; the fields it does not name stay as they are). The override after it, if any is left.
   */
  updateLimits(
    tenantId: string,
    change: LimitsChange,
    by: string,
    at: Date,
  ): Promise<Partial<TenantLimits> | undefined>;
  /** Removes the tenant's whole override: the defaults apply again. */
  clearLimits(tenantId: string): Promise<void>;
  /** Counts a request in the user's current minute; returns the count so far and the seconds left in the minute. */
  countUserRequest(
    tenantId: string,
    userId: string,
    now: Date,
  ): Promise<{ requests: number; retryAfterSeconds: number }>;
  /**
   * Adds `amount` to the month's committed tokens and cost if both are still below their budgets, so concurrent
   * calls overshoot a budget by one call at most; a zero budget refuses at once. The reservation counts until it is
   * settled or released, or until `expiresAt` (default: DEFAULT_RESERVATION_MS from now) has passed and a sweep
   * finds it. Before refusing, the month's expired reservations are swept, so a leaked one never causes a refusal.
   * Refused: which budget, and when the month resets.
   */
  reserve(
    tenantId: string,
    now: Date,
    amount: { tokens: number; costMicros: number },
    limits: TenantLimits,
    expiresAt?: Date,
  ): Promise<ReservationResult>;
  /**
   * Records the call: its event, the month rollup (by request type), the tenant's and the all-tenant day rollups (by
   * request type and model), and the reservation replaced by what was actually used. Once per reservation: a second
   * settle (or a settle after a release) changes nothing; a settle after the reservation was swept counts the call's
   * use once, in place of nothing.
   */
  settle(reservation: Reservation, event: UsageEvent, retentionDays: number): Promise<void>;
  /** Gives back a reservation whose call never happened; after a settle, a release or a sweep it changes nothing. */
  release(reservation: Reservation): Promise<void>;
  /**
   * Stops counting the tenant's reservations of `now`'s month that expired by `now` without being settled or
   * released (their calls' functions died), and forgets swept ones past SWEPT_MEMORY_MS. How many it stopped counting.
   */
  sweep(tenantId: string, now: Date): Promise<number>;
  /**
   * True the first time it is called for this tenant, month and warning (a once-per-month warning), which is named by
   * the threshold it crossed (`0.8`) or by what it is about (`projection`).
   */
  firstWarning(tenantId: string, month: string, warning: string): Promise<boolean>;
  /** The tenant's month: what was used, and what is committed (used + reserved); zeros for a month with no use. */
  month(tenantId: string, month: string): Promise<MonthUsage>;
  /** Every day from `from` to `to`, in order (zeros for a day with no use): one tenant's, or all tenants' if undefined. */
  days(tenantId: string | undefined, from: string, to: string): Promise<DayUsage[]>;
  /** The month's tenants (every one that reserved) by cost, then tokens, highest first; at most `limit`. */
  topTenants(month: string, limit: number): Promise<TenantMonthTotal[]>;
}

/** `2026-11` of a date (UTC): budgets reset when this changes, with no job needed. */
export const monthOf = (date: Date): string => date.toISOString().slice(0, 7);
/** `2026-11-21` of a date (UTC). */
export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
/** The first instant of the next UTC month: when the budgets of `date`'s month reset. */
export const monthResetAt = (date: Date): Date => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));

/** How far into its month a moment is, in UTC: the days elapsed (today counted whole) and the days of the month. */
export const monthPace = (month: string, now: Date): { elapsedDays: number; daysInMonth: number } => {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(year, monthIndex, 0)).getUTCDate();
  const current = monthOf(now);
  const elapsedDays = month < current ? daysInMonth : month > current ? 0 : now.getUTCDate();
  return { elapsedDays, daysInMonth };
};

/**
 * What a month would end at, at its current daily pace (UTC): the month-to-date amount over the days elapsed, today
 * counted as a whole day (so the 1st's pace is its use so far), times the days of the month, rounded. A past month
 * ends at what it used; a month not begun yet at 0.
 */
export const projectAtPace = (monthToDate: number, month: string, now: Date): number => {
  const { elapsedDays, daysInMonth } = monthPace(month, now);
  return elapsedDays === 0 ? 0 : Math.round((monthToDate / elapsedDays) * daysInMonth);
};
