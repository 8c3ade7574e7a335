/**
 * The arithmetic both usage ledgers share, so the in-memory twin counts exactly as the DynamoDB adapter does: the
 * named counters a call adds to a rollup, how counters read back as totals, and the budget checks.
 */
import type {
  LimitsChange,
  MonthUsage,
  Reservation,
  ReservationResult,
  TenantLimits,
  TenantMonthTotal,
  UsageBreakdown,
  UsageEvent,
  UsageTotals,
} from './ledger';
import { dayOf, DEFAULT_RESERVATION_MS, monthResetAt, projectAtPace, SWEPT_MEMORY_MS } from './ledger';

/**
 * Named counters of a rollup (a month or a day), as stored: the totals, the committed amounts (month only), and the
 * breakdowns `type:<requestType>:<counter>` and `model:<modelId>:<counter>` (counter: one of BREAKDOWN_COUNTERS).
 */
export type Counters = Readonly<Record<string, number>>;

type Breakdown = UsageTotals['byRequestType'];

const TOTALS = ['calls', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'totalTokens'];
/** The counters of each request type's and model's share of a rollup. */
const BREAKDOWN_COUNTERS = [
  'calls',
  'tokens',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costMicros',
] as const satisfies ReadonlyArray<keyof UsageBreakdown>;
const BREAKDOWN_NAME = new RegExp(`^(type|model):(.+):(${BREAKDOWN_COUNTERS.join('|')})$`);
const COUNTER_NAME = new RegExp(
  `^(${[...TOTALS, 'costMicros', 'committedTokens', 'committedCostMicros'].join('|')})$|${BREAKDOWN_NAME.source}`,
);

/** True for the name of a counter (every other attribute of a rollup item is a key, an expiry or a flag). */
export const isCounterName = (name: string): boolean => COUNTER_NAME.test(name);

/** A counter's value; a counter never added to is 0. */
export const counter = (counters: Counters | undefined, name: string): number => counters?.[name] ?? 0;

/** What one call is, as a breakdown entry: one call, its tokens (input + output, and cache apart) and its cost. */
const callBreakdown = (event: UsageEvent): UsageBreakdown => ({
  calls: 1,
  tokens: event.usage.inputTokens + event.usage.outputTokens,
  inputTokens: event.usage.inputTokens,
  outputTokens: event.usage.outputTokens,
  cacheReadTokens: event.usage.cacheReadInputTokens,
  cacheWriteTokens: event.usage.cacheWriteInputTokens,
  costMicros: event.costMicros,
});

const breakdownCounters = (prefix: 'type' | 'model', key: string, entry: UsageBreakdown): Counters =>
  Object.fromEntries(BREAKDOWN_COUNTERS.map((name) => [`${prefix}:${key}:${name}`, entry[name]]));

/** What one metered call adds to a rollup: the totals and the request type's share; by model in day rollups. */
export const eventCounters = (event: UsageEvent, byModel: boolean): Counters => {
  const call = callBreakdown(event);
  const { tokens, ...totals } = call;
  return {
    ...totals,
    totalTokens: tokens,
    ...breakdownCounters('type', event.requestType, call),
    ...(byModel ? breakdownCounters('model', event.modelId, call) : {}),
  };
};

/** What reserving adds to the month's committed amounts. */
export const reserveCounters = (amount: { tokens: number; costMicros: number }): Counters => ({
  committedTokens: amount.tokens,
  committedCostMicros: amount.costMicros,
});

/** What releasing (or sweeping) adds to the month: the reservation, given back. */
export const releaseCounters = (reservation: Pick<Reservation, 'tokens' | 'costMicros'>): Counters => ({
  committedTokens: -reservation.tokens,
  committedCostMicros: -reservation.costMicros,
});

/**
 * What settling adds to the month: the call's counters, and its actual use in place of its reservation (or, when
 * the reservation was swept and no longer counts, in place of nothing).
 */
export const settleCounters = (reservation: Reservation, event: UsageEvent, swept = false): Counters => ({
  ...eventCounters(event, false),
  committedTokens: event.usage.inputTokens + event.usage.outputTokens - (swept ? 0 : reservation.tokens),
  committedCostMicros: event.costMicros - (swept ? 0 : reservation.costMicros),
});

/** The counters that undo `counters`. */
export const negated = (counters: Counters): Counters =>
  Object.fromEntries(Object.entries(counters).map(([name, value]) => [name, -value]));

/** A reservation as a ledger holds it until it is settled or released: its amounts, expiry (epoch ms), sweep flag. */
export interface HeldReservation {
  readonly tokens: number;
  readonly costMicros: number;
  readonly expiresAt: number;
  /** Set by the sweep that stopped counting it; a settle after it counts the call's use in place of nothing. */
  readonly swept?: boolean;
}

/** The expiry of a reservation taken without one. */
export const defaultReservationExpiry = (now: Date): Date => new Date(now.getTime() + DEFAULT_RESERVATION_MS);

/** What a sweep at `now` does with a held reservation: stop counting it (expired), forget it (swept long ago), or nothing. */
export const sweepAction = (held: HeldReservation, now: Date): 'sweep' | 'forget' | undefined => {
  if (!held.swept) return held.expiresAt <= now.getTime() ? 'sweep' : undefined;
  return held.expiresAt + SWEPT_MEMORY_MS <= now.getTime() ? 'forget' : undefined;
};

/** A breakdown entry with nothing used (a counter never added to reads as 0). */
const emptyBreakdown = (): Record<keyof UsageBreakdown, number> =>
  Object.fromEntries(BREAKDOWN_COUNTERS.map((name) => [name, 0])) as Record<keyof UsageBreakdown, number>;

/** Folds the `type:` or `model:` counters back into a map. */
const breakdown = (counters: Counters, prefix: 'type' | 'model'): Breakdown => {
  const result: Record<string, Record<keyof UsageBreakdown, number>> = {};
  for (const [name, value] of Object.entries(counters)) {
    const match = BREAKDOWN_NAME.exec(name);
    if (match?.[1] !== prefix) continue;
    const entry = (result[match[2] as string] ??= emptyBreakdown());
    entry[match[3] as keyof UsageBreakdown] = value;
  }
  return result;
};

/** A rollup's counters as totals (zeros for a period with no use). */
export const totalsOf = (counters: Counters = {}): UsageTotals => ({
  calls: counter(counters, 'calls'),
  inputTokens: counter(counters, 'inputTokens'),
  outputTokens: counter(counters, 'outputTokens'),
  cacheReadTokens: counter(counters, 'cacheReadTokens'),
  cacheWriteTokens: counter(counters, 'cacheWriteTokens'),
  totalTokens: counter(counters, 'totalTokens'),
  costMicros: counter(counters, 'costMicros'),
  byRequestType: breakdown(counters, 'type'),
  byModel: breakdown(counters, 'model'),
});

/** Month totals by cost, then tokens, highest first; at most `limit`. */
export const topTotals = (totals: readonly TenantMonthTotal[], limit: number): TenantMonthTotal[] =>
  [...totals].sort((a, b) => b.costMicros - a.costMicros || b.totalTokens - a.totalTokens).slice(0, limit);

/** The tenants' month totals by cost, then tokens, highest first; at most `limit`. */
export const rankTenants = (
  months: ReadonlyArray<{ readonly tenantId: string; readonly counters: Counters }>,
  limit: number,
): TenantMonthTotal[] =>
  topTotals(
    months.map(({ tenantId, counters }) => ({
      tenantId,
      calls: counter(counters, 'calls'),
      totalTokens: counter(counters, 'totalTokens'),
      costMicros: counter(counters, 'costMicros'),
    })),
    limit,
  );

/** A tenant's month from its rollup (zeros where it has none). */
export const monthUsage = (month: string, counters: Counters | undefined): MonthUsage => ({
  month,
  ...totalsOf(counters),
  committedTokens: counter(counters, 'committedTokens'),
  committedCostMicros: counter(counters, 'committedCostMicros'),
});

/** The minute (since the epoch) a user's request is counted in, and the seconds left in it (one at least). */
export const rateWindow = (now: Date): { minute: number; retryAfterSeconds: number } => {
  const minute = Math.floor(now.getTime() / 60_000);
  return { minute, retryAfterSeconds: Math.max(1, (minute + 1) * 60 - Math.floor(now.getTime() / 1000)) };
};

/** Every day from `from` to `to` (inclusive, `2026-11-21` form), in order. */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); dayOf(day) <= to; day = new Date(day.getTime() + 86_400_000)) {
    days.push(dayOf(day));
  }
  return days;
};

/** A limits change as what it sets and what it clears (the fields it does not name are in neither). */
export const splitChange = (
  change: LimitsChange,
): { set: Partial<TenantLimits>; cleared: Array<keyof TenantLimits> } => {
  const set: Partial<TenantLimits> = {};
  const cleared: Array<keyof TenantLimits> = [];
  for (const [name, value] of Object.entries(change) as Array<[keyof TenantLimits, number | null | undefined]>) {
    if (value === null) cleared.push(name);
    else if (value !== undefined) set[name] = value;
  }
  return { set, cleared };
};

/** The monthly cost budget in micro-dollars, the unit costs are counted in. */
export const costBudgetMicros = (limits: TenantLimits): number => Math.round(limits.monthlyCostBudgetUsd * 1_000_000);

/** A refused reservation: the budget it ran into, and when the month resets. */
const refusal = (exceeded: 'tokens' | 'cost', now: Date): ReservationResult => ({
  ok: false,
  exceeded,
  resetAt: monthResetAt(now),
});

/** Under a zero budget every reservation is refused, at once: that refusal, if a budget is zero. */
export const zeroBudgetRefusal = (limits: TenantLimits, now: Date): ReservationResult | undefined => {
  if (limits.monthlyTokenBudget <= 0) return refusal('tokens', now);
  return costBudgetMicros(limits) <= 0 ? refusal('cost', now) : undefined;
};

/** Whether a reservation may be added to the month: both committed amounts are still below their budgets. */
export const belowBudgets = (committed: Counters | undefined, limits: TenantLimits): boolean =>
  counter(committed, 'committedTokens') < limits.monthlyTokenBudget &&
  counter(committed, 'committedCostMicros') < costBudgetMicros(limits);

/** The refusal of a reservation the month's committed amounts left no room for, naming the budget it ran into. */
export const overBudgetRefusal = (
  committed: Counters | undefined,
  limits: TenantLimits,
  now: Date,
): ReservationResult =>
  refusal(counter(committed, 'committedTokens') >= limits.monthlyTokenBudget ? 'tokens' : 'cost', now);

/**
 * The larger of the shares of the token and cost budgets (both non-zero) that the month of `now` ends at, at the pace
 * of what its settled calls used so far (projectAtPace).
 */
export const projectedUtilizationOf = (
  counters: Counters | undefined,
  limits: TenantLimits,
  month: string,
  now: Date,
): number =>
  Math.max(
    projectAtPace(counter(counters, 'totalTokens'), month, now) / limits.monthlyTokenBudget,
    projectAtPace(counter(counters, 'costMicros'), month, now) / costBudgetMicros(limits),
  );

/** The larger of the committed shares of the token and cost budgets (both non-zero). */
export const utilizationOf = (committed: Counters | undefined, limits: TenantLimits): number =>
  Math.max(
    counter(committed, 'committedTokens') / limits.monthlyTokenBudget,
    counter(committed, 'committedCostMicros') / costBudgetMicros(limits),
  );
