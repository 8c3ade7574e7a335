import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../shared/zod';
import { parseItem } from '../shared/dynamo/items';
import { KeyedItems } from '../shared/dynamo/memory';
import { queryAll } from '../shared/dynamo/paging';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import { writeIf } from '../shared/dynamo/writes';
import {
  activitySchema,
  nudgeSchema,
  settingsPatchSchema,
  type Activity,
  type Nudge,
  type SettingsPatch,
} from './model';

/** A nudge as stored: when it may be shown, and until when the same rule and entity stay quiet. */
export const storedNudgeSchema = z.extend(nudgeSchema, { showFrom: z.iso.datetime(), cooldownUntil: z.iso.datetime() });
export type StoredNudge = z.infer<typeof storedNudgeSchema>;

/** Who an item belongs to. */
export interface UserKey {
  readonly tenantId: string;
  readonly userId: string;
}

/** What a user's partition holds, read at once. */
export interface UserRecords {
  readonly activities: Activity[];
  readonly nudges: StoredNudge[];
  readonly settings: SettingsPatch;
  readonly patterns?: { readonly computedAt: string; readonly activityCount: number };
}

/** A change of one nudge: each touches only its own fields. */
export type NudgeChange =
  | { readonly kind: 'seen'; readonly at: string }
  | { readonly kind: 'dismiss'; readonly at: string; readonly cooldownUntil: string }
  | { readonly kind: 'snooze'; readonly until: string };

/** Persistence of activities, nudges, settings and the delivery counters of one user at a time. */
export interface NudgeStore {
  /** Records an activity once per eventId (a conditional put); false when the eventId was recorded before. */
  recordActivity(user: UserKey, activity: Activity, expiresAt: Date): Promise<boolean>;
  /** Records many historical activities at once (demo data, imports), overwriting the same eventIds. */
  importActivities(user: UserKey, activities: readonly Activity[], expiresAt: Date): Promise<void>;
  /** One recorded activity. */
  activity(user: UserKey, eventId: string): Promise<Activity | undefined>;
  /** The user's activities (not yet expired at `now`), nudges, settings and pattern mark. */
  records(user: UserKey, now: Date): Promise<UserRecords>;
  /**
   * Stores a nudge unless the same rule and entity is still cooling down (a conditional put); true when stored. The
   * item lives (TTL) until the later of its expiry and its cooldown.
   */
  raise(user: UserKey, nudge: StoredNudge, now: Date): Promise<boolean>;
  /** Takes one of the day's deliveries unless `cap` are taken (an atomic counter); false at the cap. */
  claimDelivery(user: UserKey, day: string, cap: number): Promise<boolean>;
  /** Gives a claimed delivery back (the nudge was not stored after all). */
  releaseDelivery(user: UserKey, day: string): Promise<void>;
  /** Changes one nudge's own fields; undefined when the user has no nudge with that id. */
  change(user: UserKey, id: string, change: NudgeChange): Promise<StoredNudge | undefined>;
  /** Sets the given settings, each field on its own; answers every setting stored. */
  saveSettings(user: UserKey, patch: SettingsPatch): Promise<SettingsPatch>;
  /** Notes when patterns were computed and on how many activities. */
  markPatterns(user: UserKey, computedAt: string, activityCount: number): Promise<void>;
  /** Notes the user was active on a UTC day (for the schedule). */
  touchActive(user: UserKey, day: string): Promise<void>;
  /** Users active on these UTC days, newest day first, at most `limit`. */
  activeUsers(days: readonly string[], limit: number): Promise<UserKey[]>;
}

const ACTIVITY = 'ACT#';
const NUDGE = 'NUDGE#';
const SETTINGS = 'SETTINGS';
const PATTERNS = 'PATTERNS';
const CAP = 'CAP#';
const ACTIVE_DAYS_KEPT = 8;
const DAY_SECONDS = 86_400;

const userPartition = ({ tenantId, userId }: UserKey): string => `${tenantKey(tenantId)}#USER#${userId}`;
const activePartition = (day: string): string => `GLOBAL#NUDGE_ACTIVE#${day}`;

/** A nudge's id: its rule and entity (the key of its item) and when it was raised, so each raise is a new id. */
export const nudgeId = (rule: string, entityId: string | undefined, createdAt: string): string =>
  `${Buffer.from(`${rule}#${entityId ?? '-'}`).toString('base64url')}.${Date.parse(createdAt).toString(36)}`;
const nudgeKeyOf = (nudge: Pick<Nudge, 'rule' | 'entityId'>): string =>
  `${NUDGE}${nudge.rule}#${nudge.entityId ?? '-'}`;
/** The item key an id names, or undefined for an id no nudge could have. */
const keyOfId = (id: string): string | undefined => {
  const [encoded = '', stamp, ...rest] = id.split('.');
  if (!stamp || rest.length > 0) return undefined;
  const key = Buffer.from(encoded, 'base64url').toString('utf8');
  return /^[a-z_]+#.+$/.test(key) ? `${NUDGE}${key}` : undefined;
};

const ttlOf = (nudge: StoredNudge): number =>
  epochSeconds(new Date(Math.max(Date.parse(nudge.expiresAt), Date.parse(nudge.cooldownUntil))));

/** A nudge's item attributes: its expiry as `expiresAtIso`, the TTL (`expiresAt`) the later of expiry and cooldown. */
const nudgeAttributes = (nudge: StoredNudge): Record<string, unknown> => ({
  ...nudge,
  expiresAtIso: nudge.expiresAt,
  expiresAt: ttlOf(nudge),
});
const nudgeOf = (item: Record<string, unknown>, key: string): StoredNudge =>
  parseItem(storedNudgeSchema, { ...stripKeys(item), expiresAt: item.expiresAtIso }, key);

const patternsSchema = z.object({ computedAt: z.iso.datetime(), activityCount: z.number() });
const settingsItemSchema = z.extend(settingsPatchSchema, { pk: z.string(), sk: z.string(), updatedAt: z.string() });
const activeItemSchema = z.object({ tenantId: z.string(), userId: z.string() });

const settingsOf = (item: Record<string, unknown> | undefined): SettingsPatch => {
  if (!item) return {};
  const { pk: _pk, sk: _sk, updatedAt: _at, ...settings } = parseItem(settingsItemSchema, item);
  return settings;
};
const stripKeys = (item: Record<string, unknown>): Record<string, unknown> => {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest;
};

/** NudgeStore on one DynamoDB table (tables.ts has the key layout); reads filter on the TTL attribute. */
export class DynamoNudgeStore implements NudgeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordActivity(user: UserKey, activity: Activity, expiresAt: Date): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: userPartition(user),
          sk: `${ACTIVITY}${activity.eventId}`,
          ...activity,
          expiresAt: epochSeconds(expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return written;
  }

  async importActivities(user: UserKey, activities: readonly Activity[], expiresAt: Date): Promise<void> {
    for (let start = 0; start < activities.length; start += 25) {
      let requests = activities.slice(start, start + 25).map((activity) => ({
        PutRequest: {
          Item: {
            pk: userPartition(user),
            sk: `${ACTIVITY}${activity.eventId}`,
            ...activity,
            expiresAt: epochSeconds(expiresAt),
          },
        },
      }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  async activity(user: UserKey, eventId: string): Promise<Activity | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: `${ACTIVITY}${eventId}` },
        ConsistentRead: true,
      }),
    );
    return Item
      ? parseItem(activitySchema, stripKeys(Item), `${userPartition(user)} ${ACTIVITY}${eventId}`)
      : undefined;
  }

  async records(user: UserKey, now: Date): Promise<UserRecords> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
      ExpressionAttributeValues: { ':pk': userPartition(user), ':now': epochSeconds(now) },
      ConsistentRead: true,
    });
    const records: {
      activities: Activity[];
      nudges: StoredNudge[];
      settings: SettingsPatch;
      patterns?: UserRecords['patterns'];
    } = { activities: [], nudges: [], settings: {} };
    for (const item of items) {
      const sk = String(item.sk);
      const key = `${String(item.pk)} ${sk}`;
      if (sk.startsWith(ACTIVITY)) records.activities.push(parseItem(activitySchema, stripKeys(item), key));
      else if (sk.startsWith(NUDGE)) records.nudges.push(nudgeOf(item, key));
      else if (sk === SETTINGS) records.settings = settingsOf(item);
      else if (sk === PATTERNS) records.patterns = parseItem(patternsSchema, stripKeys(item), key);
    }
    return records;
  }

  async raise(user: UserKey, nudge: StoredNudge, now: Date): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: userPartition(user), sk: nudgeKeyOf(nudge), ...nudgeAttributes(nudge) },
        ConditionExpression: 'attribute_not_exists(pk) OR cooldownUntil <= :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
    return written;
  }

  async claimDelivery(user: UserKey, day: string, cap: number): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: `${CAP}${day}` },
        UpdateExpression: 'ADD delivered :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
        ConditionExpression: 'attribute_not_exists(delivered) OR delivered < :cap',
        ExpressionAttributeValues: {
          ':one': 1,
          ':cap': cap,
          ':ttl': epochSeconds(new Date(`${day}T00:00:00Z`)) + 3 * DAY_SECONDS,
        },
      }),
    );
    return written;
  }

  async releaseDelivery(user: UserKey, day: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: `${CAP}${day}` },
        UpdateExpression: 'ADD delivered :minus',
        ExpressionAttributeValues: { ':minus': -1 },
      }),
    );
  }

  async change(user: UserKey, id: string, change: NudgeChange): Promise<StoredNudge | undefined> {
    const sk = keyOfId(id);
    if (!sk) return undefined;
    const update =
      change.kind === 'seen'
        ? { UpdateExpression: 'SET seenAt = if_not_exists(seenAt, :at)', values: { ':at': change.at } }
        : change.kind === 'dismiss'
          ? {
              UpdateExpression:
                'SET dismissedAt = if_not_exists(dismissedAt, :at), cooldownUntil = :until, expiresAt = :ttl',
              values: {
                ':at': change.at,
                ':until': change.cooldownUntil,
                ':ttl': epochSeconds(new Date(change.cooldownUntil)),
              },
            }
          : { UpdateExpression: 'SET snoozedUntil = :until REMOVE seenAt', values: { ':until': change.until } };
    const write = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk },
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': id, ...update.values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return write.written && write.attributes ? nudgeOf(write.attributes, `${userPartition(user)} ${sk}`) : undefined;
  }

  async saveSettings(user: UserKey, patch: SettingsPatch): Promise<SettingsPatch> {
    const fields = Object.entries({ ...patch, updatedAt: new Date().toISOString() });
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: SETTINGS },
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return settingsOf(Attributes);
  }

  async markPatterns(user: UserKey, computedAt: string, activityCount: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: userPartition(user), sk: PATTERNS, computedAt, activityCount },
      }),
    );
  }

  async touchActive(user: UserKey, day: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: activePartition(day),
          sk: userPartition(user),
          ...user,
          expiresAt: epochSeconds(new Date(`${day}T00:00:00Z`)) + ACTIVE_DAYS_KEPT * DAY_SECONDS,
        },
      }),
    );
  }

  async activeUsers(days: readonly string[], limit: number): Promise<UserKey[]> {
    const found = new Map<string, UserKey>();
    for (const day of days) {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': activePartition(day) },
      });
      for (const item of items) {
        const user = parseItem(activeItemSchema, item);
        if (found.size < limit) found.set(userPartition(user), { tenantId: user.tenantId, userId: user.userId });
      }
      if (found.size >= limit) break;
    }
    return [...found.values()];
  }
}

type MemoryItem = Record<string, unknown> & { readonly expiresAt?: number };

/**
 * NudgeStore in memory with DynamoNudgeStore's semantics (the contract suite runs the same cases on both), for unit
 * tests: one activity per eventId, a nudge raised only after its cooldown, the day's counter capped, per-field
 * changes, expired items filtered at read time. Reads return copies.
 */
export class InMemoryNudgeStore implements NudgeStore {
  private readonly items = new KeyedItems<MemoryItem>();

  private live(partition: string, now: Date): [string, MemoryItem][] {
    return this.items
      .query(partition)
      .filter((item) => item.expiresAt === undefined || item.expiresAt > epochSeconds(now))
      .map((item) => [String(item.sk), item]);
  }

  private put(partition: string, sk: string, item: Record<string, unknown>): void {
    this.items.put(partition, sk, { ...item, pk: partition, sk });
  }

  async recordActivity(user: UserKey, activity: Activity, expiresAt: Date): Promise<boolean> {
    const sk = `${ACTIVITY}${activity.eventId}`;
    if (this.items.get(userPartition(user), sk)) return false;
    this.put(userPartition(user), sk, { ...activity, expiresAt: epochSeconds(expiresAt) });
    return true;
  }

  async importActivities(user: UserKey, activities: readonly Activity[], expiresAt: Date): Promise<void> {
    for (const activity of activities) {
      this.put(userPartition(user), `${ACTIVITY}${activity.eventId}`, {
        ...activity,
        expiresAt: epochSeconds(expiresAt),
      });
    }
  }

  async activity(user: UserKey, eventId: string): Promise<Activity | undefined> {
    const item = this.items.get(userPartition(user), `${ACTIVITY}${eventId}`);
    return item ? activitySchema.parse(stripKeys(item)) : undefined;
  }

  async records(user: UserKey, now: Date): Promise<UserRecords> {
    const live = this.live(userPartition(user), now);
    const settings = live.find(([sk]) => sk === SETTINGS)?.[1];
    const patterns = live.find(([sk]) => sk === PATTERNS)?.[1];
    return {
      activities: live
        .filter(([sk]) => sk.startsWith(ACTIVITY))
        .map(([, item]) => activitySchema.parse(stripKeys(item))),
      nudges: live.filter(([sk]) => sk.startsWith(NUDGE)).map(([sk, item]) => nudgeOf(item, sk)),
      settings: settingsOf(settings),
      ...(patterns ? { patterns: patternsSchema.parse(stripKeys(patterns)) } : {}),
    };
  }

  async raise(user: UserKey, nudge: StoredNudge, now: Date): Promise<boolean> {
    const current = this.items.get(userPartition(user), nudgeKeyOf(nudge));
    if (current && String(current.cooldownUntil) > now.toISOString()) return false;
    this.put(userPartition(user), nudgeKeyOf(nudge), nudgeAttributes(nudge));
    return true;
  }

  async claimDelivery(user: UserKey, day: string, cap: number): Promise<boolean> {
    const current = this.items.get(userPartition(user), `${CAP}${day}`);
    const delivered = Number(current?.delivered ?? 0);
    if (current?.delivered !== undefined && delivered >= cap) return false;
    this.put(userPartition(user), `${CAP}${day}`, { delivered: delivered + 1 });
    return true;
  }

  async releaseDelivery(user: UserKey, day: string): Promise<void> {
    const current = this.items.get(userPartition(user), `${CAP}${day}`);
    this.put(userPartition(user), `${CAP}${day}`, { delivered: Number(current?.delivered ?? 0) - 1 });
  }

  async change(user: UserKey, id: string, change: NudgeChange): Promise<StoredNudge | undefined> {
    const sk = keyOfId(id);
    const item = sk ? this.items.get(userPartition(user), sk) : undefined;
    if (!sk || !item || item.id !== id) return undefined;
    const { seenAt: _seen, ...unseen } = item;
    const changed =
      change.kind === 'seen'
        ? { ...item, seenAt: item.seenAt ?? change.at }
        : change.kind === 'dismiss'
          ? {
              ...item,
              dismissedAt: item.dismissedAt ?? change.at,
              cooldownUntil: change.cooldownUntil,
              expiresAt: epochSeconds(new Date(change.cooldownUntil)),
            }
          : { ...unseen, snoozedUntil: change.until };
    this.put(userPartition(user), sk, changed);
    return nudgeOf(changed, sk);
  }

  async saveSettings(user: UserKey, patch: SettingsPatch): Promise<SettingsPatch> {
    const current = this.items.get(userPartition(user), SETTINGS) ?? {};
    const updated = { ...current, ...patch, updatedAt: new Date().toISOString() };
    this.put(userPartition(user), SETTINGS, updated);
    return settingsOf({ ...updated, pk: '', sk: '' });
  }

  async markPatterns(user: UserKey, computedAt: string, activityCount: number): Promise<void> {
    this.put(userPartition(user), PATTERNS, { computedAt, activityCount });
  }

  async touchActive(user: UserKey, day: string): Promise<void> {
    this.put(activePartition(day), userPartition(user), { ...user });
  }

  async activeUsers(days: readonly string[], limit: number): Promise<UserKey[]> {
    const found = new Map<string, UserKey>();
    for (const day of days) {
      for (const item of this.items.query(activePartition(day))) {
        const user = activeItemSchema.parse(item);
        if (found.size < limit) found.set(userPartition(user), { tenantId: user.tenantId, userId: user.userId });
      }
    }
    return [...found.values()];
  }
}
