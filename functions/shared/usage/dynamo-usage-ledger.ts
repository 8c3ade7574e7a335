import { createHash, randomUUID } from 'node:crypto';
import { parseItem } from '../dynamo/items';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { queryAll } from '../dynamo/paging';
import { writeIf } from '../dynamo/writes';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import { ConflictError } from '../errors';
import {
  costBudgetMicros,
  daysBetween,
  defaultReservationExpiry,
  eventCounters,
  isCounterName,
  monthUsage,
  negated,
  overBudgetRefusal,
  projectedUtilizationOf,
  rankTenants,
  rateWindow,
  releaseCounters,
  settleCounters,
  splitChange,
  sweepAction,
  topTotals,
  totalsOf,
  utilizationOf,
  zeroBudgetRefusal,
  type Counters,
  type HeldReservation,
} from './accounting';
import {
  dayOf,
  monthOf,
  monthResetAt,
  tenantLimitsSchema,
  type DayUsage,
  type LimitsChange,
  type MonthUsage,
  type Reservation,
  type ReservationResult,
  type TenantLimits,
  type TenantMonthTotal,
  type UsageEvent,
  type UsageLedger,
} from './ledger';

const monthKey = (month: string): string => `USAGE#MONTH#${month}`;

/**
 * The index keys a month's ranking is spread over. With one key per month (`rankMonth` = the month), every tenant's
 * month rollup, written on each of its model calls, would land on one partition of the `byMonth` index: a hot key
 * that throttles the index (and through it the writes) as tenants grow. Each tenant's rollup goes to one of these
 * shards by a stable hash of its id; the ranking reads them all.
 */
export const RANKING_SHARDS = 10;

/** The shard of a tenant's month rollup in the ranking index: a stable hash of its id (the same in every process). */
const rankingShard = (tenantId: string): number =>
  createHash('sha256').update(tenantId).digest().readUInt32BE(0) % RANKING_SHARDS;

/** The ranking index key of a month's shard: `<month>#<shard>`. */
const rankKey = (month: string, shard: number): string => `${monthKey(month)}#${shard}`;

/**
 * The ranking index keys of a month: its shards, and the unsharded month key, which rollups written before the
 * sharding keep until their tenant's next call of that month rewrites them (earlier months' never are).
 */
const rankKeysOf = (month: string): string[] => [
  ...Array.from({ length: RANKING_SHARDS }, (_, shard) => rankKey(month, shard)),
  monthKey(month),
];
const DAY_PREFIX = 'USAGE#DAY#';
const dayKey = (day: string): string => `${DAY_PREFIX}${day}`;
const GLOBAL_DAYS = 'GLOBAL#USAGE';
const LIMITS_KEY = 'USAGE#LIMITS';
/** The month rollup's attribute that holds a reservation until it is settled or released. */
const HELD_PREFIX = 'held:';
const heldName = (id: string): string => `${HELD_PREFIX}${id}`;
/** Names the reservation's attribute `#held` in an expression. */
const heldNames = (id: string): Record<string, string> => ({ '#held': heldName(id) });
/** The condition of a reservation still held and counting (not settled, released or swept). */
const COUNTING = 'attribute_exists(#held) AND attribute_not_exists(#held.swept)';

/** The stored items, as read back: the attributes each read needs (the others are dropped). */
const limitsItemSchema = z.object({ limits: z.partial(tenantLimitsSchema) });
const rateWindowSchema = z.object({ requests: z.number().check(z.int(), z.positive()) });
const dayItemSchema = z.object({ sk: z.string().check(z.startsWith(DAY_PREFIX)) });
const rankedMonthSchema = z.object({ tenantId: z.string().check(z.minLength(1)) });
const heldSchema = z.object({
  tokens: z.number(),
  costMicros: z.number(),
  expiresAt: z.number(),
  swept: z.optional(z.boolean()),
});
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

/** What a counter update does besides adding: its expiry, other clauses, its condition and their names and values. */
interface CounterUpdate {
  readonly expiresAt?: number;
  /** A clause after the ADD and SET clauses, e.g. `REMOVE #held`. */
  readonly clause?: string;
  readonly condition?: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

/** The held reservations of a month rollup item, by id. */
const heldReservations = (item: Record<string, unknown> | undefined, key: string): Map<string, HeldReservation> =>
  new Map(
    Object.entries(item ?? {})
      .filter(([name]) => name.startsWith(HELD_PREFIX))
      .map(([name, value]) => [
        name.slice(HELD_PREFIX.length),
        parseItem(heldSchema, value as Record<string, unknown>, `${key} ${name}`),
      ]),
  );

/**
 * UsageLedger on the usage table. Tenant data sits under `TENANT#<id>`: events, the month rollup (which also holds
 * the committed counters the budget check is a condition on, `rankMonth` for the `byMonth` index the ranking
 * queries (sharded: RANKING_SHARDS), and one `held:<id>` attribute per reservation in flight), day rollups, limits and rate windows. A
 * reservation lives in the same item as the counters it holds, so reserving, settling, releasing and sweeping it are
 * each one conditional single-item write on both (no transactions): settling or releasing twice fails the condition
 * and changes nothing, and a sweep marks an expired reservation `swept` as it gives its amount back, so a settle after
 * it counts the call's use once. (The item grows by ~100 bytes per call in flight.) One cross-tenant aggregate serves the all-tenant reports:
 * `GLOBAL#USAGE` (one item per day). Every counter is an atomic ADD, so no read ever scans events; every item read
 * back is parsed.
 */
export class DynamoUsageLedger implements UsageLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async limitsOverride(tenantId: string): Promise<Partial<TenantLimits> | undefined> {
    return this.overrideOf(tenantId, await this.get(tenantKey(tenantId), LIMITS_KEY));
  }

  /**
   * The override lives in the `limits` map of the tenant's limits item. While it exists, each field the change names
   * is set (`SET limits.#f`) or removed (`REMOVE limits.#f`) on its own in one conditional update, so concurrent changes
   * of other fields are kept; the first change creates it with a conditional put, and a change that lost that race to
   * another one updates the map the other created.
   */
  async updateLimits(
    tenantId: string,
    change: LimitsChange,
    by: string,
    at: Date,
  ): Promise<Partial<TenantLimits> | undefined> {
    const { set, cleared } = splitChange(change);
    const key = { pk: tenantKey(tenantId), sk: LIMITS_KEY };
    const stamp = { updatedBy: by, updatedAt: at.toISOString() };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':by': stamp.updatedBy, ':at': stamp.updatedAt };
    const sets = ['updatedBy = :by', 'updatedAt = :at'];
    const removes: string[] = [];
    Object.entries(set).forEach(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      sets.push(`limits.#s${i} = :s${i}`);
    });
    cleared.forEach((name, i) => {
      names[`#r${i}`] = name;
      removes.push(`limits.#r${i}`);
    });
    const update = (): UpdateCommand =>
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(limits)',
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      });
    const create = (): PutCommand =>
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key, limits: set, ...stamp },
        ConditionExpression: 'attribute_not_exists(limits)',
      });
    // Each round either changes the override or finds it created (or removed) by a concurrent request meanwhile.
    for (let round = 0; round < 3; round += 1) {
      const updated = await writeIf(this.client, update());
      if (updated.written) return this.overrideOf(tenantId, updated.attributes);
      if (Object.keys(set).length === 0) return undefined;
      if ((await writeIf(this.client, create())).written) return { ...set };
    }
    throw new ConflictError("The tenant's limits kept changing under this change; try again");
  }

  async clearLimits(tenantId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: tenantKey(tenantId), sk: LIMITS_KEY } }),
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
    expiresAt: Date = defaultReservationExpiry(now),
  ): Promise<ReservationResult> {
    const zero = zeroBudgetRefusal(limits, now);
    if (zero) return zero;
    const month = monthOf(now);
    const reservation = { id: randomUUID(), tenantId, month, ...amount, expiresAt };
    const held = await this.hold(reservation, limits, now);
    if (held) return this.granted(reservation, held, limits, now);
    // Refused: what still counts may include reservations whose calls died. Sweep them, then try once more.
    const item = await this.monthItem(tenantId, month);
    if ((await this.sweepItem(tenantId, month, item, now)) === 0) {
      return overBudgetRefusal(this.countersOf(tenantId, month, item), limits, now);
    }
    const retried = await this.hold(reservation, limits, now);
    if (retried) return this.granted(reservation, retried, limits, now);
    return overBudgetRefusal(await this.monthCounters(tenantId, month), limits, now);
  }

  async settle(reservation: Reservation, event: UsageEvent, retentionDays: number): Promise<void> {
    const { tenantId, month, id } = reservation;
    const pk = tenantKey(tenantId);
    const expiresAt = epochSeconds(event.at) + retentionDays * 86_400;
    const { at, usage, routing, ...fields } = event;
    const eventKey = { pk, sk: `USAGE#EVENT#${at.toISOString()}#${id}` };
    const days = eventCounters(event, true);
    // The month write is conditional on the reservation still counting; the others go alongside it (one round trip).
    const [counted, logged, ...rollups] = await Promise.allSettled([
      this.addIf(pk, monthKey(month), settleCounters(reservation, event), {
        expiresAt,
        clause: 'REMOVE #held',
        condition: COUNTING,
        names: heldNames(id),
      }),
      writeIf(
        this.client,
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...eventKey,
            ...fields,
            ...usage,
            routingReason: routing.reason,
            complexity: routing.complexity,
            ...(routing.fallbackFrom ? { fallbackFrom: routing.fallbackFrom } : {}),
            at: at.toISOString(),
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      this.add(pk, dayKey(dayOf(at)), days, expiresAt),
      this.add(GLOBAL_DAYS, dayKey(dayOf(at)), days, expiresAt),
    ]);
    if (counted.status === 'rejected') throw counted.reason;
    const failed = [logged, ...rollups].find((write) => write.status === 'rejected');
    if (failed) throw failed.reason;
    if (counted.value) return;
    // Swept before this settle: the call's use counts once, in place of nothing.
    const late = await this.addIf(pk, monthKey(month), settleCounters(reservation, event, true), {
      expiresAt,
      clause: 'REMOVE #held',
      condition: '#held.swept = :true',
      names: heldNames(id),
      values: { ':true': true },
    });
    if (late) return;
    // Settled or released before: this settle changes nothing, so what went alongside is undone.
    await Promise.all([
      this.add(pk, dayKey(dayOf(at)), negated(days)),
      this.add(GLOBAL_DAYS, dayKey(dayOf(at)), negated(days)),
      logged.status === 'fulfilled' && logged.value.written
        ? this.client.send(new DeleteCommand({ TableName: this.tableName, Key: eventKey }))
        : undefined,
    ]);
  }

  async release(reservation: Reservation): Promise<void> {
    await this.addIf(tenantKey(reservation.tenantId), monthKey(reservation.month), releaseCounters(reservation), {
      clause: 'REMOVE #held',
      condition: COUNTING,
      names: heldNames(reservation.id),
    });
  }

  async sweep(tenantId: string, now: Date): Promise<number> {
    const month = monthOf(now);
    return this.sweepItem(tenantId, month, await this.monthItem(tenantId, month), now);
  }

  async firstWarning(tenantId: string, month: string, warning: string): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: monthKey(month) },
        UpdateExpression: 'SET #flag = :true',
        ConditionExpression: 'attribute_not_exists(#flag)',
        ExpressionAttributeNames: { '#flag': `warned:${warning}` },
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

  /** Reads the month's ranking shards in parallel, ranks each (its top `limit`), and ranks the tops. */
  async topTenants(month: string, limit: number): Promise<TenantMonthTotal[]> {
    const tops = await Promise.all(
      rankKeysOf(month).map(async (rankMonth) => {
        const items = await queryAll(this.client, {
          TableName: this.tableName,
          IndexName: 'byMonth',
          KeyConditionExpression: 'rankMonth = :rankMonth',
          ExpressionAttributeValues: { ':rankMonth': rankMonth },
        });
        const months = items.map((item) => {
          const key = `${String(item.pk)}/${monthKey(month)}`;
          return { ...parseItem(rankedMonthSchema, item, key), counters: parseItem(countersSchema, item, key) };
        });
        return rankTenants(months, limit);
      }),
    );
    return topTotals(tops.flat(), limit);
  }

  /** The override in a limits item as read, if it has any field left. */
  private overrideOf(tenantId: string, item: Record<string, unknown> | undefined): Partial<TenantLimits> | undefined {
    if (!item) return undefined;
    const { limits } = parseItem(limitsItemSchema, item, `${tenantKey(tenantId)}/${LIMITS_KEY}`);
    return Object.keys(limits).length > 0 ? limits : undefined;
  }

  /** A granted reservation, with its shares of the budgets from the month's counters after it was held. */
  private granted(
    reservation: Omit<Reservation, 'utilization' | 'projectedUtilization'>,
    counters: Counters,
    limits: TenantLimits,
    now: Date,
  ): ReservationResult {
    return {
      ok: true,
      reservation: {
        ...reservation,
        utilization: utilizationOf(counters, limits),
        projectedUtilization: projectedUtilizationOf(counters, limits, reservation.month, now),
      },
    };
  }

  /**
   * Adds the counters to the month's committed amounts while holding the reservation (one conditional write, with
   * the budget check as its condition): the month's counters after it, or undefined when the budgets had no room.
   */
  private async hold(
    reservation: Omit<Reservation, 'utilization' | 'projectedUtilization'>,
    limits: TenantLimits,
    now: Date,
  ): Promise<Counters | undefined> {
    const { tenantId, month, tokens, costMicros, expiresAt } = reservation;
    const key = { pk: tenantKey(tenantId), sk: monthKey(month) };
    const reserved = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'ADD committedTokens :tokens, committedCostMicros :cost ' +
          'SET expiresAt = if_not_exists(expiresAt, :expiresAt), rankMonth = :rankMonth, tenantId = :tenantId, ' +
          '#held = :held',
        ConditionExpression:
          '(attribute_not_exists(committedTokens) OR committedTokens < :tokenLimit) AND ' +
          '(attribute_not_exists(committedCostMicros) OR committedCostMicros < :costLimit)',
        ExpressionAttributeNames: heldNames(reservation.id),
        ExpressionAttributeValues: {
          ':tokens': tokens,
          ':cost': costMicros,
          ':tokenLimit': limits.monthlyTokenBudget,
          ':costLimit': costBudgetMicros(limits),
          ':expiresAt': epochSeconds(monthResetAt(now)) + 400 * 86_400,
          ':rankMonth': rankKey(month, rankingShard(tenantId)),
          ':tenantId': tenantId,
          ':held': { tokens, costMicros, expiresAt: expiresAt.getTime() } satisfies HeldReservation,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return reserved.written ? parseItem(countersSchema, reserved.attributes, `${key.pk}/${key.sk}`) : undefined;
  }

  /**
   * Sweeps a month rollup as read: each reservation that expired uncounted-for stops counting (marked `swept`, its
   * amount given back, in one conditional write, so racing sweeps, settles and releases count it once), and swept
   * ones past SWEPT_MEMORY_MS are forgotten. How many it stopped counting.
   */
  private async sweepItem(
    tenantId: string,
    month: string,
    item: Record<string, unknown> | undefined,
    now: Date,
  ): Promise<number> {
    const pk = tenantKey(tenantId);
    const sweeps = [...heldReservations(item, `${pk}/${monthKey(month)}`)].map(async ([id, held]) => {
      const action = sweepAction(held, now);
      if (action === 'sweep') {
        return this.addIf(pk, monthKey(month), releaseCounters(held), {
          clause: 'SET #held.swept = :true',
          condition: COUNTING,
          names: heldNames(id),
          values: { ':true': true },
        });
      }
      if (action === 'forget') {
        await writeIf(
          this.client,
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: monthKey(month) },
            UpdateExpression: 'REMOVE #held',
            ConditionExpression: '#held.swept = :true',
            ExpressionAttributeNames: heldNames(id),
            ExpressionAttributeValues: { ':true': true },
          }),
        );
      }
      return false;
    });
    return (await Promise.all(sweeps)).filter(Boolean).length;
  }

  /** The month rollup item of a tenant, if it has one. */
  private async monthItem(tenantId: string, month: string): Promise<Record<string, unknown> | undefined> {
    return this.get(tenantKey(tenantId), monthKey(month));
  }

  /** The counters of a month rollup item as read. */
  private countersOf(tenantId: string, month: string, item: Record<string, unknown> | undefined): Counters | undefined {
    return item ? parseItem(countersSchema, item, `${tenantKey(tenantId)}/${monthKey(month)}`) : undefined;
  }

  /** The counters of a tenant's month rollup, if it has one. */
  private async monthCounters(tenantId: string, month: string): Promise<Counters | undefined> {
    return this.countersOf(tenantId, month, await this.monthItem(tenantId, month));
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item;
  }

  private async add(pk: string, sk: string, counters: Counters, expiresAt?: number): Promise<void> {
    await this.client.send(new UpdateCommand(this.counterUpdate(pk, sk, counters, { expiresAt })));
  }

  /** Adds the counters if the update's condition holds; false when it does not. */
  private async addIf(pk: string, sk: string, counters: Counters, update: CounterUpdate): Promise<boolean> {
    return (await writeIf(this.client, new UpdateCommand(this.counterUpdate(pk, sk, counters, update)))).written;
  }

  /** The UpdateItem input that adds the counters (and sets the expiry when there is none yet) with `update`'s rest. */
  private counterUpdate(
    pk: string,
    sk: string,
    counters: Counters,
    { expiresAt, clause, condition, names, values }: CounterUpdate,
  ): ConstructorParameters<typeof UpdateCommand>[0] {
    const add = addExpression(counters);
    const setExpiry = expiresAt === undefined ? '' : ' SET expiresAt = if_not_exists(expiresAt, :expiresAt)';
    return {
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: `${add.expression}${setExpiry}${clause ? ` ${clause}` : ''}`,
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: { ...add.names, ...names },
      ExpressionAttributeValues: {
        ...add.values,
        ...(expiresAt === undefined ? {} : { ':expiresAt': expiresAt }),
        ...values,
      },
    };
  }
}
