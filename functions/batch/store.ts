import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../shared/dynamo/client';
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

const encode = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decode = (cursor: string | undefined): Record<string, unknown> | undefined =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>) : undefined;

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
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: REGISTRY, sk: tenantSk(tenantId) },
          UpdateExpression:
            'SET tenantId = :tenantId, lastSeenAt = :now, #source = if_not_exists(#source, :api), expiresAt = :expiresAt',
          // An admin-added tenant keeps no TTL: only the API's own entries expire.
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
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
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
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': REGISTRY },
        Limit: limit,
        ExclusiveStartKey: decode(cursor),
      }),
    );
    const entries = (page.Items ?? [])
      .filter((item) => item.expiresAt === undefined || Number(item.expiresAt) > now)
      .map((item) => registryEntrySchema.parse(item));
    const next = encode(page.LastEvaluatedKey);
    return { entries, ...(next ? { cursor: next } : {}) };
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
    try {
      await this.client.send(
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
      return 'claimed';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: dayKey(day), sk: tenantSk(tenantId) },
          ConsistentRead: true,
        }),
      );
      return Item?.status === 'done' ? 'done' : 'busy';
    }
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
    await this.client
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: dayKey(day), sk: tenantSk(tenantId) },
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress' },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
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
