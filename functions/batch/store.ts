import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../shared/zod';
import { parseItem } from '../shared/dynamo/items';
import { compareKeys } from '../shared/dynamo/memory';
import { decodeCursor, encodeCursor, queryPage } from '../shared/dynamo/paging';
import { conditionalCheckFailed, writeIf } from '../shared/dynamo/writes';
import { epochSeconds } from '../shared/dynamo/tables';
import {
  registryEntrySchema,
  runSummarySchema,
  tenantOutcomes,
  type RegistryEntry,
  type RunSummary,
  type TenantOutcome,
} from './model';
import type { BatchLedger, TenantRegistry } from './ports';

const REGISTRY = 'REGISTRY';
const tenantSk = (tenantId: string): string => `TENANT#${tenantId}`;
const dayKey = (day: string): string => `BATCH#DAY#${day}`;
const runKey = (runId: string): string => `BATCH#RUN#${runId}`;
const SUMMARY = 'SUMMARY';
const DAY_MS = 86_400_000;

/** Registry cursors carry the table key of a registry item, and nothing else. */
const REGISTRY_CURSOR = { attributes: ['pk', 'sk'], partition: { name: 'pk', value: REGISTRY } } as const;

/** A registry item: the entry, with a TTL (epoch seconds) on the entries the API recorded. */
const registryItemSchema = z.extend(registryEntrySchema, { expiresAt: z.optional(z.number()) });
type RegistryItem = z.infer<typeof registryItemSchema>;

/** The entry of a registry item that has not expired at `now` (TTL deletion is late), else undefined. */
const liveEntry = ({ expiresAt, ...entry }: RegistryItem, now: Date): RegistryEntry | undefined =>
  expiresAt === undefined || expiresAt > epochSeconds(now) ? entry : undefined;

/** One tenant's claim on a day, as the ledger stores it. */
const claimItemSchema = z.object({
  status: z.enum(['in_progress', 'done']),
  /** Epoch ms until which an in-progress claim holds. */
  holdUntil: z.optional(z.number()),
  outcome: z.optional(z.enum(tenantOutcomes)),
  finishedAt: z.optional(z.string()),
});
/** One tenant's claim on a day. */
export type TenantClaim = z.infer<typeof claimItemSchema> & { readonly tenantId: string };

/** A run's counters start at zero: DynamoDB's ADD creates each attribute on first use. */
const ZERO_COUNTERS = {
  enqueued: 0,
  generated: 0,
  from_cache: 0,
  fallback: 0,
  skipped: 0,
  duplicate: 0,
  retry_later: 0,
  failed: 0,
  tokens: 0,
  costMicros: 0,
};
const toSummary = (item: Record<string, unknown>): RunSummary =>
  parseItem(runSummarySchema, { ...ZERO_COUNTERS, ...item });

/**
 * What both registries share: `page` is `list` without the details, and the API's `touch` writes at most once per
 * tenant per day and process (a removed tenant is written again on its next touch).
 */
abstract class TenantRegistryBase implements TenantRegistry {
  private readonly seenToday = new Map<string, string>();

  abstract add(tenantId: string, by: string, now: Date): Promise<RegistryEntry>;
  abstract list(limit: number, cursor?: string): Promise<{ entries: RegistryEntry[]; cursor?: string }>;
  /** Records the API's sighting of a tenant (an admin-added tenant keeps its entry as it is). */
  protected abstract record(tenantId: string, now: Date): Promise<void>;
  /** Removes a tenant's entry; false when there was none. */
  protected abstract delete(tenantId: string): Promise<boolean>;

  async page(limit: number, cursor?: string): Promise<{ tenantIds: string[]; cursor?: string }> {
    const { entries, cursor: next } = await this.list(limit, cursor);
    return { tenantIds: entries.map((entry) => entry.tenantId), ...(next ? { cursor: next } : {}) };
  }

  async touch(tenantId: string, now: Date): Promise<void> {
    const today = now.toISOString().slice(0, 10);
    if (this.seenToday.get(tenantId) === today) return;
    await this.record(tenantId, now);
    this.seenToday.set(tenantId, today);
  }

  async remove(tenantId: string): Promise<boolean> {
    const removed = await this.delete(tenantId);
    this.seenToday.delete(tenantId);
    return removed;
  }
}

/**
 * The tenant registry on the batch table: one item per tenant under `REGISTRY`, ordered by tenant id. Tenants the
 * API saw carry a TTL (`activeDays` after they were last seen); tenants an admin added have none.
 */
export class DynamoTenantRegistry extends TenantRegistryBase {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly activeDays: number,
    /** The time reads filter expired entries at. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
  }

  protected async record(tenantId: string, now: Date): Promise<void> {
    // An admin-added tenant keeps no TTL: only the API's own entries expire (the write is refused for the others).
    await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: REGISTRY, sk: tenantSk(tenantId) },
        UpdateExpression:
          'SET tenantId = :tenantId, lastSeenAt = :now, #source = if_not_exists(#source, :api), expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#source) OR #source = :api',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: {
          ':tenantId': tenantId,
          ':now': now.toISOString(),
          ':api': 'api',
          ':expiresAt': epochSeconds(now) + this.activeDays * 86_400,
        },
      }),
    );
  }

  async add(tenantId: string, by: string, now: Date): Promise<RegistryEntry> {
    const entry: RegistryEntry = { tenantId, source: 'admin', lastSeenAt: now.toISOString() };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: REGISTRY, sk: tenantSk(tenantId), ...entry, addedBy: by },
      }),
    );
    return entry;
  }

  protected async delete(tenantId: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: REGISTRY, sk: tenantSk(tenantId) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }

  async list(limit: number, cursor?: string): Promise<{ entries: RegistryEntry[]; cursor?: string }> {
    const now = this.clock();
    const page = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': REGISTRY },
        Limit: limit,
      },
      cursor,
      REGISTRY_CURSOR,
    );
    const entries = page.items.flatMap((item) => liveEntry(parseItem(registryItemSchema, item), now) ?? []);
    return { entries, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }
}

/**
 * TenantRegistry in memory with DynamoTenantRegistry's semantics (the contract suite runs the same cases on both),
 * for the batch simulation and tests: entries in tenant-id (key) order; a page holds `limit` items before expired ones
 * are filtered out and ends with a cursor whenever it is full (so the last page may be empty, as with DynamoDB's
 * LastEvaluatedKey); cursors are the adapter's, checked the same way; the API's entries expire `activeDays` after
 * they were last seen, to the second; admin entries never do.
 */
export class InMemoryTenantRegistry extends TenantRegistryBase {
  /** Items by sort key. */
  private readonly items = new Map<string, RegistryItem>();
  private sortedKeys: string[] | undefined;

  constructor(
    private readonly activeDays: number,
    /** The time reads filter expired entries at. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
  }

  protected async record(tenantId: string, now: Date): Promise<void> {
    if (this.items.get(tenantSk(tenantId))?.source === 'admin') return;
    this.put({
      tenantId,
      source: 'api',
      lastSeenAt: now.toISOString(),
      expiresAt: epochSeconds(now) + this.activeDays * 86_400,
    });
  }

  async add(tenantId: string, _by: string, now: Date): Promise<RegistryEntry> {
    const entry: RegistryEntry = { tenantId, source: 'admin', lastSeenAt: now.toISOString() };
    this.put(entry);
    return entry;
  }

  protected async delete(tenantId: string): Promise<boolean> {
    this.sortedKeys = undefined;
    return this.items.delete(tenantSk(tenantId));
  }

  async list(limit: number, cursor?: string): Promise<{ entries: RegistryEntry[]; cursor?: string }> {
    const now = this.clock();
    const keys = this.ordered();
    const after = (await decodeCursor(cursor, REGISTRY_CURSOR))?.sk;
    const start = after === undefined ? 0 : firstAfter(keys, String(after));
    const pageKeys = keys.slice(start, start + limit);
    const entries = pageKeys.flatMap((key) => {
      const item = this.items.get(key);
      return (item && liveEntry(item, now)) ?? [];
    });
    const last = pageKeys.length === limit ? pageKeys[pageKeys.length - 1] : undefined;
    const next = last === undefined ? undefined : await encodeCursor({ pk: REGISTRY, sk: last }, REGISTRY_CURSOR);
    return { entries, ...(next ? { cursor: next } : {}) };
  }

  private put(item: RegistryItem): void {
    const key = tenantSk(item.tenantId);
    if (!this.items.has(key)) this.sortedKeys = undefined;
    this.items.set(key, item);
  }

  private ordered(): string[] {
    this.sortedKeys ??= [...this.items.keys()].sort(compareKeys);
    return this.sortedKeys;
  }
}

/** The index of the first key after `key` in sorted `keys`. */
const firstAfter = (keys: readonly string[], key: string): number => {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(keys[middle] as string, key) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** Run summaries and per-day tenant claims on the batch table. */
export class DynamoBatchLedger implements BatchLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async startRun(runId: string, day: string, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: runKey(runId),
          sk: SUMMARY,
          runId,
          day,
          startedAt: now.toISOString(),
          expiresAt: epochSeconds(now) + 90 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async addEnqueued(runId: string, count: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: runKey(runId), sk: SUMMARY },
        UpdateExpression: 'ADD enqueued :count',
        ExpressionAttributeValues: { ':count': count },
      }),
    );
  }

  async claimTenant(
    day: string,
    tenantId: string,
    now: Date,
    holdSeconds: number,
  ): Promise<'claimed' | 'done' | 'busy'> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: dayKey(day),
          sk: tenantSk(tenantId),
          status: 'in_progress',
          holdUntil: now.getTime() + holdSeconds * 1000,
          expiresAt: epochSeconds(new Date(Date.parse(`${day}T00:00:00Z`) + 8 * DAY_MS)),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND holdUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now.getTime() },
      }),
    );
    if (written) return 'claimed';
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: dayKey(day), sk: tenantSk(tenantId) },
        ConsistentRead: true,
      }),
    );
    return Item && parseItem(claimItemSchema, Item).status === 'done' ? 'done' : 'busy';
  }

  async finishTenant(day: string, tenantId: string, outcome: TenantOutcome, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: dayKey(day), sk: tenantSk(tenantId) },
        UpdateExpression: 'SET #status = :done, outcome = :outcome, finishedAt = :now REMOVE holdUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome, ':now': now.toISOString() },
      }),
    );
  }

  async releaseTenant(day: string, tenantId: string): Promise<void> {
    // A claim that finished meanwhile stays: only an in-progress one is given back.
    await writeIf(
      this.client,
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: dayKey(day), sk: tenantSk(tenantId) },
        ConditionExpression: '#status = :inProgress',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'in_progress' },
      }),
    );
  }

  async count(
    runId: string,
    outcome: TenantOutcome,
    tokens: number,
    costMicros: number,
    now: Date,
  ): Promise<RunSummary> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: runKey(runId), sk: SUMMARY },
        UpdateExpression: 'ADD #outcome :one, tokens :tokens, costMicros :cost SET lastFinishedAt = :now',
        ExpressionAttributeNames: { '#outcome': outcome },
        ExpressionAttributeValues: { ':one': 1, ':tokens': tokens, ':cost': costMicros, ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toSummary(Attributes ?? {});
  }

  async summary(runId: string): Promise<RunSummary | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: runKey(runId), sk: SUMMARY }, ConsistentRead: true }),
    );
    return Item ? toSummary(Item) : undefined;
  }
}

/**
 * BatchLedger in memory with DynamoBatchLedger's semantics (the contract suite runs the same cases on both), for the
 * batch simulation: a run starts once (a second start fails as the conditional put does), counters are atomic adds
 * that create the run's item as UpdateItem would, a claim is taken when there is none or an in-progress one whose
 * hold has passed, finishing marks a claim done (creating it if need be), a release only drops an in-progress claim.
 * `claims(day)` exposes a day's claims for the simulation's own checks; the port has no such read.
 */
export class InMemoryBatchLedger implements BatchLedger {
  private readonly runs = new Map<string, Record<string, unknown>>();
  private readonly days = new Map<string, Map<string, TenantClaim>>();

  async startRun(runId: string, day: string, now: Date): Promise<void> {
    if (this.runs.has(runId)) throw conditionalCheckFailed();
    this.runs.set(runId, { runId, day, startedAt: now.toISOString() });
  }

  async addEnqueued(runId: string, count: number): Promise<void> {
    this.add(runId, { enqueued: count });
  }

  async claimTenant(
    day: string,
    tenantId: string,
    now: Date,
    holdSeconds: number,
  ): Promise<'claimed' | 'done' | 'busy'> {
    const claims = this.claimsOf(day);
    const claim = claims.get(tenantId);
    if (claim === undefined || (claim.status === 'in_progress' && (claim.holdUntil ?? 0) < now.getTime())) {
      claims.set(tenantId, { tenantId, status: 'in_progress', holdUntil: now.getTime() + holdSeconds * 1000 });
      return 'claimed';
    }
    return claim.status === 'done' ? 'done' : 'busy';
  }

  async finishTenant(day: string, tenantId: string, outcome: TenantOutcome, now: Date): Promise<void> {
    this.claimsOf(day).set(tenantId, { tenantId, status: 'done', outcome, finishedAt: now.toISOString() });
  }

  async releaseTenant(day: string, tenantId: string): Promise<void> {
    const claims = this.claimsOf(day);
    if (claims.get(tenantId)?.status === 'in_progress') claims.delete(tenantId);
  }

  async count(
    runId: string,
    outcome: TenantOutcome,
    tokens: number,
    costMicros: number,
    now: Date,
  ): Promise<RunSummary> {
    return toSummary(this.add(runId, { [outcome]: 1, tokens, costMicros }, { lastFinishedAt: now.toISOString() }));
  }

  async summary(runId: string): Promise<RunSummary | undefined> {
    const item = this.runs.get(runId);
    return item ? toSummary(item) : undefined;
  }

  /** The claims taken on a day, in no particular order (for the simulation's checks). */
  claims(day: string): TenantClaim[] {
    return [...this.claimsOf(day).values()];
  }

  private claimsOf(day: string): Map<string, TenantClaim> {
    let claims = this.days.get(day);
    if (!claims) this.days.set(day, (claims = new Map<string, TenantClaim>()));
    return claims;
  }

  /** ADD counters (and SET fields) on a run's item, creating it as DynamoDB's UpdateItem would. */
  private add(
    runId: string,
    counters: Readonly<Record<string, number>>,
    fields: Readonly<Record<string, string>> = {},
  ): Record<string, unknown> {
    const item = this.runs.get(runId) ?? {};
    for (const [name, value] of Object.entries(counters))
      item[name] = (typeof item[name] === 'number' ? item[name] : 0) + value;
    Object.assign(item, fields);
    this.runs.set(runId, item);
    return item;
  }
}
