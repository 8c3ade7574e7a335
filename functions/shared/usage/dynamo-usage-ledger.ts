import { parseItem } from '../dynamo/items';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { queryAll } from '../dynamo/paging';
import { writeIf } from '../dynamo/writes';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import {
  costBudgetMicros,
  daysBetween,
  eventCounters,
  isCounterName,
  monthUsage,
  overBudgetRefusal,
  rankTenants,
  rateWindow,
  releaseCounters,
  settleCounters,
  totalsOf,
  utilizationOf,
  zeroBudgetRefusal,
  type Counters,
} from './accounting';
import {
  dayOf,
  monthOf,
  monthResetAt,
  tenantLimitsSchema,
  type DayUsage,
  type MonthUsage,
  type Reservation,
  type ReservationResult,
  type TenantLimits,
  type TenantMonthTotal,
  type UsageEvent,
  type UsageLedger,
} from './ledger';

const monthKey = (month: string): string => `USAGE#MONTH#${month}`;
const DAY_PREFIX = 'USAGE#DAY#';
const dayKey = (day: string): string => `${DAY_PREFIX}${day}`;
const GLOBAL_DAYS = 'GLOBAL#USAGE';
const LIMITS_KEY = 'USAGE#LIMITS';

/** The stored items, as read back: the attributes each read needs (the others are dropped). */
const limitsItemSchema = z.object({ limits: z.partial(tenantLimitsSchema) });
const rateWindowSchema = z.object({ requests: z.number().check(z.int(), z.positive()) });
const committedSchema = z.object({ committedTokens: z.number(), committedCostMicros: z.number() });
const dayItemSchema = z.object({ sk: z.string().check(z.startsWith(DAY_PREFIX)) });
const rankedMonthSchema = z.object({ tenantId: z.string().check(z.minLength(1)) });
/** A rollup item's counters (keys, expiry and warning flags left out): every one must be a number. */
const countersSchema = z.pipe(
  z.pipe(
    z.record(z.string(), z.unknown()),
    z.transform((item) => Object.fromEntries(Object.entries(item).filter(([name]) => isCounterName(name)))),
  ),
  z.record(z.string(), z.number()),
);

/** Builds one `ADD` expression for counters whose names may hold any character. */
const addExpression = (
  counters: Counters,
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

/**
 * UsageLedger on the usage table. Tenant data sits under `TENANT#<id>`: events, the month rollup (which also holds
 * the committed counters the budget check is a condition on, and `rankMonth` for the `byMonth` index the ranking
 * queries), day rollups, limits and rate windows. One cross-tenant aggregate serves the all-tenant reports:
 * `GLOBAL#USAGE` (one item per day). Every counter is an atomic ADD, so no read ever scans events; every item read
 * back is parsed.
 */
export class DynamoUsageLedger implements UsageLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async limitsOverride(tenantId: string): Promise<Partial<TenantLimits> | undefined> {
    const item = await this.get(tenantKey(tenantId), LIMITS_KEY);
    return item ? parseItem(limitsItemSchema, item, `${tenantKey(tenantId)}/${LIMITS_KEY}`).limits : undefined;
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
    const { minute, retryAfterSeconds } = rateWindow(now);
    const key = { pk: tenantKey(tenantId), sk: `USAGE#RATE#${userId}#${minute}` };
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD requests :one SET expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': (minute + 2) * 60 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { requests: parseItem(rateWindowSchema, Attributes, `${key.pk}/${key.sk}`).requests, retryAfterSeconds };
  }

  async reserve(
    tenantId: string,
    now: Date,
    amount: { tokens: number; costMicros: number },
    limits: TenantLimits,
  ): Promise<ReservationResult> {
    const zero = zeroBudgetRefusal(limits, now);
    if (zero) return zero;
    const month = monthOf(now);
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
          ':costLimit': costBudgetMicros(limits),
          ':expiresAt': epochSeconds(monthResetAt(now)) + 400 * 86_400,
          ':rankMonth': monthKey(month),
          ':tenantId': tenantId,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    if (!reserved.written) {
      return overBudgetRefusal(await this.monthCounters(tenantId, month), limits, now);
    }
    const committed = parseItem(committedSchema, reserved.attributes, `${tenantKey(tenantId)}/${monthKey(month)}`);
    return { ok: true, reservation: { tenantId, month, ...amount, utilization: utilizationOf(committed, limits) } };
  }

  async settle(reservation: Reservation, event: UsageEvent, retentionDays: number): Promise<void> {
    const { tenantId } = reservation;
    const expiresAt = epochSeconds(event.at) + retentionDays * 86_400;
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
      this.add(tenantKey(tenantId), monthKey(reservation.month), settleCounters(reservation, event), expiresAt),
      this.add(tenantKey(tenantId), dayKey(dayOf(at)), eventCounters(event, true), expiresAt),
      this.add(GLOBAL_DAYS, dayKey(dayOf(at)), eventCounters(event, true), expiresAt),
    ]);
  }

  async release(reservation: Reservation): Promise<void> {
    await this.add(tenantKey(reservation.tenantId), monthKey(reservation.month), releaseCounters(reservation));
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
    return monthUsage(month, await this.monthCounters(tenantId, month));
  }

  async days(tenantId: string | undefined, from: string, to: string): Promise<DayUsage[]> {
    const pk = tenantId === undefined ? GLOBAL_DAYS : tenantKey(tenantId);
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': dayKey(from), ':to': dayKey(to) },
    });
    const byDay = new Map(
      items.map((item) => {
        const { sk } = parseItem(dayItemSchema, item, `${pk}/${String(item.sk)}`);
        return [sk.slice(DAY_PREFIX.length), parseItem(countersSchema, item, `${pk}/${sk}`)];
      }),
    );
    return daysBetween(from, to).map((day) => ({ day, ...totalsOf(byDay.get(day)) }));
  }

  async topTenants(month: string, limit: number): Promise<TenantMonthTotal[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byMonth',
      KeyConditionExpression: 'rankMonth = :month',
      ExpressionAttributeValues: { ':month': monthKey(month) },
    });
    const months = items.map((item) => {
      const key = `${String(item.pk)}/${monthKey(month)}`;
      return { ...parseItem(rankedMonthSchema, item, key), counters: parseItem(countersSchema, item, key) };
    });
    return rankTenants(months, limit);
  }

  /** The counters of a tenant's month rollup, if it has one. */
  private async monthCounters(tenantId: string, month: string): Promise<Counters | undefined> {
    const item = await this.get(tenantKey(tenantId), monthKey(month));
    return item ? parseItem(countersSchema, item, `${tenantKey(tenantId)}/${monthKey(month)}`) : undefined;
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item;
  }

  private async add(pk: string, sk: string, counters: Counters, expiresAt?: number): Promise<void> {
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
