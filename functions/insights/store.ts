import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../shared/zod';
import { dataGapSchema } from '../shared/business-api/model';
import { parseItem } from '../shared/dynamo/items';
import { KeyedItems } from '../shared/dynamo/memory';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import { queryAll } from '../shared/dynamo/paging';
import { writeIf } from '../shared/dynamo/writes';
import { insightSchema, provenanceSchema, type Insight, type InsightSet, type InsightStatus } from './model';

/** A dismissed insight's fingerprint and title; suppresses the same insight until `until`. */
export interface Dismissal {
  readonly fingerprint: string;
  readonly title: string;
}

/** Outcome of claiming the manual-refresh slot. */
export type RefreshClaim = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** Persistence of insight sets, dismissals and the refresh cooldown (generation jobs are in the jobs store). */
export interface InsightStore {
  /** The tenant's latest set, fresh or not (the caller decides); undefined when there is none. */
  currentSet(tenantId: string): Promise<InsightSet | undefined>;
  /**
   * Stores `set` as the tenant's current set if the current one is still `replacing` (same set, same revision),
   * or there is none; returns false when it changed meanwhile (a status change raced the generation).
   */
  saveSet(set: InsightSet, replacing: InsightSet | undefined): Promise<boolean>;
  /**
   * Sets one insight's status in the current set. Returns the updated insight, or undefined when the tenant's
   * current set has no insight with that id.
   */
  updateStatus(tenantId: string, insightId: string, status: InsightStatus, now: Date): Promise<Insight | undefined>;
  /** Records a dismissal that suppresses the fingerprint until `until`. */
  suppress(tenantId: string, dismissal: Dismissal, until: Date): Promise<void>;
  /** Lifts the fingerprint's suppression, if there is one. */
  unsuppress(tenantId: string, fingerprint: string): Promise<void>;
  /** Dismissals still in force at `now`. */
  activeDismissals(tenantId: string, now: Date): Promise<Dismissal[]>;
  /** Claims the manual refresh slot, at most once per `cooldownSeconds`. */
  claimRefresh(tenantId: string, now: Date, cooldownSeconds: number): Promise<RefreshClaim>;
}

const SET_KEY = 'INSIGHTS#CURRENT';
const REFRESH_KEY = 'INSIGHTS#REFRESH';
const DISMISSED_PREFIX = 'INSIGHTS#DISMISSED#';
/** Status updates retry when a regeneration replaced the set between the read and the conditional write. */
const STATUS_UPDATE_ATTEMPTS = 3;

/** The stored set item: the set, with its expiry both as the TTL (epoch seconds) and as the ISO time it was given. */
const setItemSchema = z.object({
  tenantId: z.string(),
  setId: z.string(),
  generatedAt: z.iso.datetime(),
  expiresAtIso: z.iso.datetime(),
  insights: z.array(insightSchema),
  dataGaps: z.array(dataGapSchema),
  provenance: provenanceSchema,
  revision: z.number().check(z.int(), z.minimum(0)),
});
const dismissalItemSchema = z.object({ fingerprint: z.string(), title: z.string() });
const refreshItemSchema = z.object({ refreshedAt: z.number() });

const toSet = (item: Record<string, unknown>): InsightSet => {
  const { expiresAtIso, ...set } = parseItem(setItemSchema, item);
  return { ...set, expiresAt: expiresAtIso };
};

/** A refused refresh claim: how long until the one taken at `refreshedAt` (epoch ms) has cooled down. */
const refused = (refreshedAt: number, now: Date, cooldownSeconds: number): RefreshClaim => ({
  ok: false,
  retryAfterSeconds: Math.max(1, Math.ceil((refreshedAt + cooldownSeconds * 1000 - now.getTime()) / 1000)),
});

/** InsightStore on one DynamoDB table; every key starts with the tenant; TTL attribute `expiresAt`. */
export class DynamoInsightStore implements InsightStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async currentSet(tenantId: string): Promise<InsightSet | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: SET_KEY },
        ConsistentRead: true,
      }),
    );
    return Item ? toSet(Item) : undefined;
  }

  async saveSet(set: InsightSet, replacing: InsightSet | undefined): Promise<boolean> {
    const item = {
      ...set,
      pk: tenantKey(set.tenantId),
      sk: SET_KEY,
      expiresAt: epochSeconds(new Date(set.expiresAt)),
      expiresAtIso: set.expiresAt,
    };
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...(replacing
          ? {
              ConditionExpression: 'setId = :setId AND revision = :revision',
              ExpressionAttributeValues: { ':setId': replacing.setId, ':revision': replacing.revision },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    return written;
  }

  async updateStatus(
    tenantId: string,
    insightId: string,
    status: InsightStatus,
    now: Date,
  ): Promise<Insight | undefined> {
    for (let attempt = 1; attempt <= STATUS_UPDATE_ATTEMPTS; attempt += 1) {
      const set = await this.currentSet(tenantId);
      const index = set?.insights.findIndex((insight) => insight.id === insightId) ?? -1;
      const current = set?.insights[index];
      if (!set || !current) return undefined;
      if (current.status === status) return current;
      const write = await writeIf(
        this.client,
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: tenantKey(tenantId), sk: SET_KEY },
          UpdateExpression: `SET insights[${index}].#status = :status, insights[${index}].updatedAt = :now ADD revision :one`,
          ConditionExpression: `setId = :setId AND insights[${index}].id = :id`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':now': now.toISOString(),
            ':setId': set.setId,
            ':id': insightId,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (write.written) return write.attributes && toSet(write.attributes).insights[index];
    }
    return undefined;
  }

  async suppress(tenantId: string, dismissal: Dismissal, until: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: tenantKey(tenantId),
          sk: `${DISMISSED_PREFIX}${dismissal.fingerprint}`,
          fingerprint: dismissal.fingerprint,
          title: dismissal.title,
          expiresAt: epochSeconds(until),
        },
      }),
    );
  }

  async unsuppress(tenantId: string, fingerprint: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: `${DISMISSED_PREFIX}${fingerprint}` },
      }),
    );
  }

  async activeDismissals(tenantId: string, now: Date): Promise<Dismissal[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': tenantKey(tenantId), ':prefix': DISMISSED_PREFIX, ':now': epochSeconds(now) },
    });
    return items.map((item) => parseItem(dismissalItemSchema, item));
  }

  async claimRefresh(tenantId: string, now: Date, cooldownSeconds: number): Promise<RefreshClaim> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: tenantKey(tenantId),
          sk: REFRESH_KEY,
          refreshedAt: now.getTime(),
          expiresAt: epochSeconds(now) + cooldownSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR refreshedAt <= :cutoff',
        ExpressionAttributeValues: { ':cutoff': now.getTime() - cooldownSeconds * 1000 },
      }),
    );
    if (written) return { ok: true };
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: REFRESH_KEY },
        ConsistentRead: true,
      }),
    );
    return refused(Item ? parseItem(refreshItemSchema, Item).refreshedAt : now.getTime(), now, cooldownSeconds);
  }
}

/**
 * InsightStore in memory with DynamoInsightStore's semantics (the contract suite runs the same cases on both), for
 * unit tests: a set is replaced only if unchanged since it was read, a status change bumps the revision once,
 * dismissals are one per fingerprint in fingerprint order and filtered on their expiry (epoch seconds) at read time,
 * the refresh slot once per cooldown. Reads return copies.
 */
export class InMemoryInsightStore implements InsightStore {
  private readonly sets = new Map<string, InsightSet>();
  /** Dismissals by tenant and fingerprint, with their TTL (epoch seconds). */
  private readonly dismissals = new KeyedItems<Dismissal & { readonly expiresAt: number }>();
  private readonly refreshes = new Map<string, number>();

  async currentSet(tenantId: string): Promise<InsightSet | undefined> {
    const set = this.sets.get(tenantId);
    return set && structuredClone(set);
  }

  async saveSet(set: InsightSet, replacing: InsightSet | undefined): Promise<boolean> {
    const current = this.sets.get(set.tenantId);
    const unchanged = replacing
      ? current?.setId === replacing.setId && current.revision === replacing.revision
      : current === undefined;
    if (unchanged) this.sets.set(set.tenantId, structuredClone(set));
    return unchanged;
  }

  async updateStatus(tenantId: string, id: string, status: InsightStatus, now: Date): Promise<Insight | undefined> {
    const set = this.sets.get(tenantId);
    const current = set?.insights.find((insight) => insight.id === id);
    if (!set || !current) return undefined;
    if (current.status === status) return structuredClone(current);
    const updated = { ...current, status, updatedAt: now.toISOString() };
    const insights = set.insights.map((insight) => (insight.id === id ? updated : insight));
    this.sets.set(tenantId, { ...set, insights, revision: set.revision + 1 });
    return structuredClone(updated);
  }

  async suppress(tenantId: string, { fingerprint, title }: Dismissal, until: Date): Promise<void> {
    this.dismissals.put(tenantId, fingerprint, { fingerprint, title, expiresAt: epochSeconds(until) });
  }

  async unsuppress(tenantId: string, fingerprint: string): Promise<void> {
    this.dismissals.delete(tenantId, fingerprint);
  }

  async activeDismissals(tenantId: string, now: Date): Promise<Dismissal[]> {
    return this.dismissals
      .query(tenantId)
      .filter((entry) => entry.expiresAt > epochSeconds(now))
      .map(({ fingerprint, title }) => ({ fingerprint, title }));
  }

  async claimRefresh(tenantId: string, now: Date, cooldownSeconds: number): Promise<RefreshClaim> {
    const refreshedAt = this.refreshes.get(tenantId);
    if (refreshedAt !== undefined && refreshedAt > now.getTime() - cooldownSeconds * 1000)
      return refused(refreshedAt, now, cooldownSeconds);
    this.refreshes.set(tenantId, now.getTime());
    return { ok: true };
  }
}
