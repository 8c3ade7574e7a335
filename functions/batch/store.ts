import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryPage } from '../shared/dynamo/paging';
import { writeIf } from '../shared/dynamo/writes';
import { epochSeconds } from '../shared/dynamo/tables';
import {
  registryEntrySchema,
  runSummarySchema,
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

/**
 * The tenant registry on the batch table: one item per tenant under `REGISTRY`, ordered by tenant id. Tenants the
 * API saw carry a TTL (`activeDays` after they were last seen); tenants an admin added have none.
 */
export class DynamoTenantRegistry implements TenantRegistry {
  /** Tenants this process already recorded today: the API writes once per tenant per day and process. */
  private readonly seenToday = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly activeDays: number,
  ) {}

  async page(limit: number, cursor?: string): Promise<{ tenantIds: string[]; cursor?: string }> {
    const { entries, cursor: next } = await this.list(limit, cursor);
    return { tenantIds: entries.map((entry) => entry.tenantId), ...(next ? { cursor: next } : {}) };
  }

  async touch(tenantId: string, now: Date): Promise<void> {
    const today = now.toISOString().slice(0, 10);
    if (this.seenToday.get(tenantId) === today) return;
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
    this.seenToday.set(tenantId, today);
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

  async remove(tenantId: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: REGISTRY, sk: tenantSk(tenantId) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    this.seenToday.delete(tenantId);
    return Attributes !== undefined;
  }

  async list(limit: number, cursor?: string): Promise<{ entries: RegistryEntry[]; cursor?: string }> {
    const now = epochSeconds(new Date());
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
    const entries = page.items
      .filter((item) => item.expiresAt === undefined || Number(item.expiresAt) > now)
      .map((item) => registryEntrySchema.parse(item));
    return { entries, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }
}

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
    return Item?.status === 'done' ? 'done' : 'busy';
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
    return this.toSummary(Attributes ?? {});
  }

  async summary(runId: string): Promise<RunSummary | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: runKey(runId), sk: SUMMARY }, ConsistentRead: true }),
    );
    return Item ? this.toSummary(Item) : undefined;
  }

  private toSummary(item: Record<string, unknown>): RunSummary {
    const zero = {
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
    return runSummarySchema.parse({ ...zero, ...item });
  }
}
