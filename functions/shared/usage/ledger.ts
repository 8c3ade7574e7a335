import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { queryAll } from '../dynamo/paging';
import { writeIf } from '../dynamo/writes';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import type { ModelUsage } from '../llm/port';

/** What kind of work a model call served. */
export const requestTypes = ['insights', 'conversation', 'analysis', 'nudge', 'batch'] as const;
export type RequestType = (typeof requestTypes)[number];

/** A tenant's limits: monthly budgets (reset at the start of each UTC month) and a per-user request rate. */
export const tenantLimitsSchema = z.object({
  monthlyTokenBudget: z.number().check(z.int(), z.minimum(0)),
  monthlyCostBudgetUsd: z.number().check(z.minimum(0)),
  userRequestsPerMinute: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
});
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

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

/** Budget held for a call in flight: counted against the month until it is settled or released. */
export interface Reservation {
  readonly tenantId: string;
  readonly month: string;
  readonly tokens: number;
  readonly costMicros: number;
  /** The larger of token and cost use (committed, this reservation included) over the budget. */
  readonly utilization: number;
}

/** Outcome of asking for a reservation. */
export type ReservationResult =
  | { readonly ok: true; readonly reservation: Reservation }
  | { readonly ok: false; readonly exceeded: 'tokens' | 'cost'; readonly resetAt: Date };

/** Counters of a period (a month or a day), overall and by request type and model. */
export interface UsageTotals {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly totalTokens: number;
  readonly costMicros: number;
  readonly byRequestType: Readonly<Record<string, { calls: number; tokens: number; costMicros: number }>>;
  readonly byModel: Readonly<Record<string, { calls: number; tokens: number; costMicros: number }>>;
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

/** Metering and limits storage: events, atomic rollups, reservations, per-tenant limits, per-user rate windows. */
export interface UsageLedger {
  /** The tenant's override of the default limits, if any. */
  limitsOverride(tenantId: string): Promise<Partial<TenantLimits> | undefined>;
  putLimits(tenantId: string, limits: TenantLimits, by: string, at: Date): Promise<void>;
  /** Counts a request in the user's current minute; returns the count so far and the seconds left in the minute. */
  countUserRequest(
    tenantId: string,
    userId: string,
    now: Date,
  ): Promise<{ requests: number; retryAfterSeconds: number }>;
  /** Reserves tokens and cost against the month if it is still under both budgets (one call may overshoot). */
  reserve(
    tenantId: string,
    now: Date,
    amount: { tokens: number; costMicros: number },
    limits: TenantLimits,
  ): Promise<ReservationResult>;
  /** Records the call: its event, the rollups, and the reservation replaced by what was actually used. */
  settle(reservation: Reservation, event: UsageEvent, retentionDays: number): Promise<void>;
  /** Gives back a reservation whose call never happened. */
  release(reservation: Reservation): Promise<void>;
  /** True the first time it is called for this tenant, month and threshold (a once-per-month warning). */
  firstWarning(tenantId: string, month: string, threshold: number): Promise<boolean>;
  month(tenantId: string, month: string): Promise<MonthUsage>;
  /** Day totals for one tenant, or for all tenants when tenantId is undefined. */
  days(tenantId: string | undefined, from: string, to: string): Promise<DayUsage[]>;
  topTenants(month: string, limit: number): Promise<TenantMonthTotal[]>;
}

/** `2026-11` of a date (UTC): budgets reset when this changes, with no job needed. */
export const monthOf = (date: Date): string => date.toISOString().slice(0, 7);
/** `2026-11-21` of a date (UTC). */
export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
/** The first instant of the next UTC month: when the budgets of `date`'s month reset. */
export const monthResetAt = (date: Date): Date => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));

const monthKey = (month: string): string => `USAGE#MONTH#${month}`;
const dayKey = (day: string): string => `USAGE#DAY#${day}`;
const GLOBAL_DAYS = 'GLOBAL#USAGE';
const LIMITS_KEY = 'USAGE#LIMITS';

type Item = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** Builds one `ADD` expression for counters whose names may hold any character. */
const addExpression = (
  counters: Readonly<Record<string, number>>,
): {
  expression: string;
  names: Record<string, string>;
  values: Record<string, number>;
} => {
  const entries = Object.entries(counters);
  return {
    expression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
    names: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
    values: Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
  };
};

const eventCounters = (event: UsageEvent, withModel: boolean): Record<string, number> => {
  const tokens = event.usage.inputTokens + event.usage.outputTokens;
  return {
    calls: 1,
    inputTokens: event.usage.inputTokens,
    outputTokens: event.usage.outputTokens,
    cacheReadTokens: event.usage.cacheReadInputTokens,
    cacheWriteTokens: event.usage.cacheWriteInputTokens,
    totalTokens: tokens,
    costMicros: event.costMicros,
    [`type:${event.requestType}:calls`]: 1,
    [`type:${event.requestType}:tokens`]: tokens,
    [`type:${event.requestType}:costMicros`]: event.costMicros,
    ...(withModel
      ? {
          [`model:${event.modelId}:calls`]: 1,
          [`model:${event.modelId}:tokens`]: tokens,
          [`model:${event.modelId}:costMicros`]: event.costMicros,
        }
      : {}),
  };
};

/** Folds `type:<x>:<counter>` / `model:<x>:<counter>` attributes back into maps. */
const breakdown = (item: Item, prefix: 'type' | 'model'): UsageTotals['byRequestType'] => {
  const result: Record<string, { calls: number; tokens: number; costMicros: number }> = {};
  for (const [name, value] of Object.entries(item)) {
    const match = new RegExp(`^${prefix}:(.+):(calls|tokens|costMicros)$`).exec(name);
    if (!match) continue;
    const entry = (result[match[1] as string] ??= { calls: 0, tokens: 0, costMicros: 0 });
    entry[match[2] as 'calls' | 'tokens' | 'costMicros'] = num(value);
  }
  return result;
};

const totalsOf = (item: Item | undefined): UsageTotals => ({
  calls: num(item?.calls),
  inputTokens: num(item?.inputTokens),
  outputTokens: num(item?.outputTokens),
  cacheReadTokens: num(item?.cacheReadTokens),
  cacheWriteTokens: num(item?.cacheWriteTokens),
  totalTokens: num(item?.totalTokens),
  costMicros: num(item?.costMicros),
  byRequestType: item ? breakdown(item, 'type') : {},
  byModel: item ? breakdown(item, 'model') : {},
});

const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); dayOf(day) <= to; day = new Date(day.getTime() + 86_400_000)) {
    days.push(dayOf(day));
  }
  return days;
};

/**
 * UsageLedger on the usage table. Tenant data sits under `TENANT#<id>`: events, the month rollup (which also holds
 * the committed counters the budget check is a condition on, and `rankMonth` for the `byMonth` index the ranking
 * queries), day rollups, limits and rate windows. One cross-tenant aggregate serves the all-tenant reports:
 * `GLOBAL#USAGE` (one item per day). Every counter is an atomic ADD, so no read ever scans events.
 */
export class DynamoUsageLedger implements UsageLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async limitsOverride(tenantId: string): Promise<Partial<TenantLimits> | undefined> {
    const item = await this.get(tenantKey(tenantId), LIMITS_KEY);
    return item ? z.partial(tenantLimitsSchema).parse(item.limits) : undefined;
  }

  async putLimits(tenantId: string, limits: TenantLimits, by: string, at: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: tenantKey(tenantId), sk: LIMITS_KEY, limits, updatedBy: by, updatedAt: at.toISOString() },
      }),
    );
  }

  async countUserRequest(
    tenantId: string,
    userId: string,
    now: Date,
  ): Promise<{ requests: number; retryAfterSeconds: number }> {
    const minute = Math.floor(now.getTime() / 60_000);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: `USAGE#RATE#${userId}#${minute}` },
        UpdateExpression: 'ADD requests :one SET expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': (minute + 2) * 60 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return {
      requests: num(Attributes?.requests),
      retryAfterSeconds: Math.max(1, (minute + 1) * 60 - Math.floor(now.getTime() / 1000)),
    };
  }

  async reserve(
    tenantId: string,
    now: Date,
    amount: { tokens: number; costMicros: number },
    limits: TenantLimits,
  ): Promise<ReservationResult> {
    const month = monthOf(now);
    const costLimitMicros = Math.round(limits.monthlyCostBudgetUsd * 1_000_000);
    if (limits.monthlyTokenBudget <= 0 || costLimitMicros <= 0) {
      return { ok: false, exceeded: limits.monthlyTokenBudget <= 0 ? 'tokens' : 'cost', resetAt: monthResetAt(now) };
    }
    const reserved = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: monthKey(month) },
        UpdateExpression:
          'ADD committedTokens :tokens, committedCostMicros :cost ' +
          'SET expiresAt = if_not_exists(expiresAt, :expiresAt), rankMonth = :rankMonth, tenantId = :tenantId',
        ConditionExpression:
          '(attribute_not_exists(committedTokens) OR committedTokens < :tokenLimit) AND ' +
          '(attribute_not_exists(committedCostMicros) OR committedCostMicros < :costLimit)',
        ExpressionAttributeValues: {
          ':tokens': amount.tokens,
          ':cost': amount.costMicros,
          ':tokenLimit': limits.monthlyTokenBudget,
          ':costLimit': costLimitMicros,
          ':expiresAt': epochSeconds(monthResetAt(now)) + 400 * 86_400,
          ':rankMonth': monthKey(month),
          ':tenantId': tenantId,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    if (!reserved.written) {
      const current = await this.get(tenantKey(tenantId), monthKey(month));
      const exceeded = num(current?.committedTokens) >= limits.monthlyTokenBudget ? 'tokens' : 'cost';
      return { ok: false, exceeded, resetAt: monthResetAt(now) };
    }
    const committed = reserved.attributes;
    const utilization = Math.max(
      limits.monthlyTokenBudget > 0 ? num(committed?.committedTokens) / limits.monthlyTokenBudget : 1,
      costLimitMicros > 0 ? num(committed?.committedCostMicros) / costLimitMicros : 1,
    );
    return { ok: true, reservation: { tenantId, month, ...amount, utilization } };
  }

  async settle(reservation: Reservation, event: UsageEvent, retentionDays: number): Promise<void> {
    const { tenantId } = reservation;
    const expiresAt = epochSeconds(event.at) + retentionDays * 86_400;
    const tokens = event.usage.inputTokens + event.usage.outputTokens;
    const monthCounters = {
      ...eventCounters(event, false),
      committedTokens: tokens - reservation.tokens,
      committedCostMicros: event.costMicros - reservation.costMicros,
    };
    const { at, usage, routing, ...fields } = event;
    await Promise.all([
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: tenantKey(tenantId),
            sk: `USAGE#EVENT#${at.toISOString()}#${crypto.randomUUID()}`,
            ...fields,
            ...usage,
            routingReason: routing.reason,
            complexity: routing.complexity,
            ...(routing.fallbackFrom ? { fallbackFrom: routing.fallbackFrom } : {}),
            at: at.toISOString(),
            expiresAt,
          },
        }),
      ),
      this.add(tenantKey(tenantId), monthKey(reservation.month), monthCounters, expiresAt),
      this.add(tenantKey(tenantId), dayKey(dayOf(at)), eventCounters(event, true), expiresAt),
      this.add(GLOBAL_DAYS, dayKey(dayOf(at)), eventCounters(event, true), expiresAt),
    ]);
  }

  async release(reservation: Reservation): Promise<void> {
    await this.add(tenantKey(reservation.tenantId), monthKey(reservation.month), {
      committedTokens: -reservation.tokens,
      committedCostMicros: -reservation.costMicros,
    });
  }

  async firstWarning(tenantId: string, month: string, threshold: number): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: monthKey(month) },
        UpdateExpression: 'SET #flag = :true',
        ConditionExpression: 'attribute_not_exists(#flag)',
        ExpressionAttributeNames: { '#flag': `warned:${threshold}` },
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    return written;
  }

  async month(tenantId: string, month: string): Promise<MonthUsage> {
    const item = await this.get(tenantKey(tenantId), monthKey(month));
    return {
      month,
      ...totalsOf(item),
      committedTokens: num(item?.committedTokens),
      committedCostMicros: num(item?.committedCostMicros),
    };
  }

  async days(tenantId: string | undefined, from: string, to: string): Promise<DayUsage[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': tenantId === undefined ? GLOBAL_DAYS : tenantKey(tenantId),
        ':from': dayKey(from),
        ':to': dayKey(to),
      },
    });
    const byDay = new Map(items.map((item) => [String(item.sk).slice(dayKey('').length), item]));
    return daysBetween(from, to).map((day) => ({ day, ...totalsOf(byDay.get(day)) }));
  }

  async topTenants(month: string, limit: number): Promise<TenantMonthTotal[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byMonth',
      KeyConditionExpression: 'rankMonth = :month',
      ExpressionAttributeValues: { ':month': monthKey(month) },
    });
    const totals: TenantMonthTotal[] = items.map((item) => ({
      tenantId: String(item.tenantId),
      calls: num(item.calls),
      totalTokens: num(item.totalTokens),
      costMicros: num(item.costMicros),
    }));
    return totals.sort((a, b) => b.costMicros - a.costMicros || b.totalTokens - a.totalTokens).slice(0, limit);
  }

  private async get(pk: string, sk: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item;
  }

  private async add(
    pk: string,
    sk: string,
    counters: Readonly<Record<string, number>>,
    expiresAt?: number,
  ): Promise<void> {
    const add = addExpression(counters);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk },
        UpdateExpression: `${add.expression}${expiresAt === undefined ? '' : ' SET expiresAt = if_not_exists(expiresAt, :expiresAt)'}`,
        ExpressionAttributeNames: add.names,
        ExpressionAttributeValues: { ...add.values, ...(expiresAt === undefined ? {} : { ':expiresAt': expiresAt }) },
      }),
    );
  }
}
