import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CorruptItemError } from '../shared/errors';
import * as z from '../shared/zod';
import { parseItem } from '../shared/dynamo/items';
import { KeyedItems } from '../shared/dynamo/memory';
import { queryAll } from '../shared/dynamo/paging';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import { writeIf } from '../shared/dynamo/writes';
import { storedProjectionSchema, type StoredProjection } from './stored-projection';
import {
  activitySchema,
  nudgeSchema,
  settingsPatchSchema,
  type Activity,
  type Nudge,
  type SettingsPatch,
} from './model';

/** A nudge as stored: when it may be shown, until when the same rule and entity stay quiet, its delivery's day. */
export const storedNudgeSchema = z.extend(nudgeSchema, {
  showFrom: z.iso.datetime(),
  cooldownUntil: z.iso.datetime(),
  /** The user's local day whose delivery it takes. */
  day: z.iso.date(),
});
export type StoredNudge = z.infer<typeof storedNudgeSchema>;

/** Who an item belongs to. */
export interface UserKey {
  readonly tenantId: string;
  readonly userId: string;
}

/** The user's stored projection: its version (what a write expects), when it was last rebuilt from the history. */
export interface ProjectionRecord {
  readonly version: number;
  readonly rebuiltAt: string;
  /** Absent when the user has more entities than one item holds (then every read projects the history). */
  readonly projection?: StoredProjection;
}

/** A local day's deliveries: how many nudges took one, and which. */
export interface Deliveries {
  readonly delivered: number;
  readonly claimed: ReadonlySet<string>;
}

/** What a claim of a day's delivery for a nudge did. */
export type Claim = 'claimed' | 'claimed_before' | 'full';

/** What a user's partition holds besides the activities, read at once (one query). */
export interface UserView {
  readonly nudges: StoredNudge[];
  readonly settings: SettingsPatch;
  readonly patterns?: { readonly computedAt: string; readonly activityCount: number };
  readonly projection?: ProjectionRecord;
  /** By local day (the days still kept). */
  readonly deliveries: ReadonlyMap<string, Deliveries>;
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
  /**
   * Records many historical activities at once (demo data, imports), overwriting the same eventIds; the stored
   * projection is dropped (the next read rebuilds it with them).
   */
  importActivities(user: UserKey, activities: readonly Activity[], expiresAt: Date): Promise<void>;
  /** One recorded activity. */
  activity(user: UserKey, eventId: string): Promise<Activity | undefined>;
  /** The user's nudges, settings, pattern mark, projection and deliveries (not yet expired at `now`). */
  view(user: UserKey, now: Date): Promise<UserView>;
  /** The user's stored settings (a consistent read of the one item). */
  settings(user: UserKey): Promise<SettingsPatch>;
  /** The user's whole history: every activity not yet expired at `now`. */
  activities(user: UserKey, now: Date): Promise<Activity[]>;
  /** The user's stored projection (a consistent read). */
  projection(user: UserKey): Promise<ProjectionRecord | undefined>;
  /**
   * Stores the projection if its version is still `expectedVersion` (undefined: none stored yet), as version + 1;
   * false when another write came first.
   */
  saveProjection(
    user: UserKey,
    record: Omit<ProjectionRecord, 'version'>,
    expectedVersion: number | undefined,
  ): Promise<boolean>;
  /** Forgets the stored projection (the next read rebuilds it from the history). */
  dropProjection(user: UserKey): Promise<void>;
  /**
   * Stores a nudge unless the same rule and entity is still cooling down (a conditional put); true when stored. The
   * item lives (TTL) until the later of its expiry and its cooldown. It is not shown before it claims its delivery.
   */
  raise(user: UserKey, nudge: StoredNudge, now: Date): Promise<boolean>;
  /**
   * Takes one of the day's deliveries for a stored nudge unless `cap` are taken (one conditional update that counts
   * the delivery and notes the nudge's id, so a claim repeated for the same nudge is `claimed_before`, never twice).
   */
  claim(user: UserKey, day: string, nudgeId: string, cap: number): Promise<Claim>;
  /** Deletes a stored nudge that could not claim a delivery (unless its item holds another raise by now). */
  withdraw(user: UserKey, nudge: Pick<StoredNudge, 'id' | 'rule' | 'entityId'>): Promise<void>;
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
const PROJECTION = 'STATE';
/** Every sort key but the activities' sorts after this one (`$` follows `#`): the view's one query. */
const AFTER_ACTIVITIES = 'ACT$';
const CAP = 'CAP#';
const ACTIVE_DAYS_KEPT = 8;
/** A day's deliveries are kept while a nudge of that day can still be shown (the longest TTL is a week). */
const DELIVERY_DAYS_KEPT = 9;
const DAY_SECONDS = 86_400;

const userPartition = ({ tenantId, userId }: UserKey): string => `${tenantKey(tenantId)}#USER#${userId}`;
const activePartition = (day: string): string => `GLOBAL#NUDGE_ACTIVE#${day}`;

/** What makes two nudges the same nudge (for cooldowns and dismissals): their rule and entity. */
export const ruleKey = (nudge: Pick<Nudge, 'rule' | 'entityId'>): string => `${nudge.rule}#${nudge.entityId ?? '-'}`;
/** A nudge's id: its rule and entity (the key of its item) and when it was raised, so each raise is a new id. */
export const nudgeId = (rule: string, entityId: string | undefined, createdAt: string): string =>
  `${Buffer.from(ruleKey({ rule, entityId })).toString('base64url')}.${Date.parse(createdAt).toString(36)}`;
const nudgeKeyOf = (nudge: Pick<Nudge, 'rule' | 'entityId'>): string => `${NUDGE}${ruleKey(nudge)}`;
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
const activeItemSchema = z.object({ tenantId: z.string(), userId: z.string() });
/**
 * The projection item holds the projection deflated (binary): a few hundred entities are tens of KB of JSON but a
 * few KB deflated, which every ingest and read moves (and DynamoDB bills by the KB).
 */
const projectionItemSchema = z.object({
  version: z.number().check(z.int(), z.minimum(1)),
  rebuiltAt: z.iso.datetime(),
  projection: z.optional(z.custom<Uint8Array>((value) => ArrayBuffer.isView(value), 'must be binary')),
});
/** The projection item's attributes, as the version after `expectedVersion`. */
const projectionAttributes = (
  { rebuiltAt, projection }: Omit<ProjectionRecord, 'version'>,
  expectedVersion: number | undefined,
): Record<string, unknown> => ({
  version: (expectedVersion ?? 0) + 1,
  rebuiltAt,
  ...(projection ? { projection: deflateRawSync(JSON.stringify(projection)) } : {}),
});
const projectionRecordOf = (item: Record<string, unknown>, key: string): ProjectionRecord => {
  const { projection, ...record } = parseItem(projectionItemSchema, stripKeys(item), key);
  if (!projection) return record;
  let json: unknown;
  try {
    json = JSON.parse(inflateRawSync(projection).toString('utf8'));
  } catch (cause) {
    throw new CorruptItemError(`Stored item ${key} holds no deflated JSON projection`, { cause });
  }
  return { ...record, projection: parseItem(storedProjectionSchema, json as Record<string, unknown>, key) };
};
/** A day's deliveries item: `claimed` is a string set in DynamoDB, an array in the in-memory twin. */
const deliveriesItemSchema = z.object({
  delivered: z.number(),
  claimed: z.optional(z.union([z.set(z.string()), z.array(z.string())])),
});
const deliveriesOf = (item: Record<string, unknown>, key?: string): Deliveries => {
  const { delivered, claimed } = parseItem(deliveriesItemSchema, item, key);
  return { delivered, claimed: new Set(claimed) };
};

/** A type toggle's own attribute in the settings item (`types.action`), so saving one never touches the others. */
const TYPE_ATTRIBUTE = 'types.';

/** The settings item's attributes a patch sets: one per setting, one per type toggle. */
const settingsAttributes = ({ types, ...settings }: SettingsPatch): [string, unknown][] => [
  ...Object.entries(settings),
  ...Object.entries(types ?? {}).map(([type, on]): [string, unknown] => [`${TYPE_ATTRIBUTE}${type}`, on]),
];

const settingsOf = (item: Record<string, unknown> | undefined): SettingsPatch => {
  if (!item) return {};
  const { pk: _pk, sk: _sk, updatedAt: _at, ...attributes } = item;
  const entries = Object.entries(attributes);
  const types = entries.filter(([name]) => name.startsWith(TYPE_ATTRIBUTE));
  return parseItem(
    settingsPatchSchema,
    {
      ...Object.fromEntries(entries.filter(([name]) => !name.startsWith(TYPE_ATTRIBUTE))),
      ...(types.length > 0
        ? { types: Object.fromEntries(types.map(([name, on]) => [name.slice(TYPE_ATTRIBUTE.length), on])) }
        : {}),
    },
    `${String(item.pk)} ${SETTINGS}`,
  );
};
const stripKeys = (item: Record<string, unknown>): Record<string, unknown> => {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest;
};

/** The view of a partition's items (every sort key but the activities'). */
const viewOf = (items: readonly Record<string, unknown>[]): UserView => {
  const view: {
    nudges: StoredNudge[];
    settings: SettingsPatch;
    patterns?: UserView['patterns'];
    projection?: ProjectionRecord;
    deliveries: Map<string, Deliveries>;
  } = { nudges: [], settings: {}, deliveries: new Map() };
  for (const item of items) {
    const sk = String(item.sk);
    const key = `${String(item.pk)} ${sk}`;
    if (sk.startsWith(NUDGE)) view.nudges.push(nudgeOf(item, key));
    else if (sk.startsWith(CAP)) view.deliveries.set(sk.slice(CAP.length), deliveriesOf(item, key));
    else if (sk === SETTINGS) view.settings = settingsOf(item);
    else if (sk === PATTERNS) view.patterns = parseItem(patternsSchema, stripKeys(item), key);
    else if (sk === PROJECTION) view.projection = projectionRecordOf(item, key);
  }
  return view;
};

/** When a day's deliveries item expires (TTL). */
const deliveriesTtl = (day: string): number =>
  epochSeconds(new Date(`${day}T00:00:00Z`)) + DELIVERY_DAYS_KEPT * DAY_SECONDS;

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
    await this.dropProjection(user);
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

  async view(user: UserKey, now: Date): Promise<UserView> {
    return viewOf(
      await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk > :after',
        FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
        ExpressionAttributeValues: {
          ':pk': userPartition(user),
          ':after': AFTER_ACTIVITIES,
          ':now': epochSeconds(now),
        },
        ConsistentRead: true,
      }),
    );
  }

  async settings(user: UserKey): Promise<SettingsPatch> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: SETTINGS },
        ConsistentRead: true,
      }),
    );
    return settingsOf(Item);
  }

  async activities(user: UserKey, now: Date): Promise<Activity[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :act)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': userPartition(user), ':act': ACTIVITY, ':now': epochSeconds(now) },
      ConsistentRead: true,
    });
    return items.map((item) => parseItem(activitySchema, stripKeys(item)));
  }

  async projection(user: UserKey): Promise<ProjectionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: PROJECTION },
        ConsistentRead: true,
      }),
    );
    return Item ? projectionRecordOf(Item, `${userPartition(user)} ${PROJECTION}`) : undefined;
  }

  async saveProjection(
    user: UserKey,
    record: Omit<ProjectionRecord, 'version'>,
    expectedVersion: number | undefined,
  ): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: userPartition(user), sk: PROJECTION, ...projectionAttributes(record, expectedVersion) },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }),
    );
    return written;
  }

  async dropProjection(user: UserKey): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: userPartition(user), sk: PROJECTION } }),
    );
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

  async claim(user: UserKey, day: string, nudgeId: string, cap: number): Promise<Claim> {
    const key = { pk: userPartition(user), sk: `${CAP}${day}` };
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD delivered :one, claimed :ids SET expiresAt = if_not_exists(expiresAt, :ttl)',
        ConditionExpression: 'NOT contains(claimed, :id) AND (attribute_not_exists(delivered) OR delivered < :cap)',
        ExpressionAttributeValues: {
          ':one': 1,
          ':ids': new Set([nudgeId]),
          ':id': nudgeId,
          ':cap': cap,
          ':ttl': deliveriesTtl(day),
        },
      }),
    );
    if (written) return 'claimed';
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item && deliveriesOf(Item).claimed.has(nudgeId) ? 'claimed_before' : 'full';
  }

  async withdraw(user: UserKey, nudge: Pick<StoredNudge, 'id' | 'rule' | 'entityId'>): Promise<void> {
    await writeIf(
      this.client,
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: userPartition(user), sk: nudgeKeyOf(nudge) },
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': nudge.id },
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
    const fields = [...settingsAttributes(patch), ['updatedAt', new Date().toISOString()] as const];
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
    this.items.delete(userPartition(user), PROJECTION);
  }

  async activity(user: UserKey, eventId: string): Promise<Activity | undefined> {
    const item = this.items.get(userPartition(user), `${ACTIVITY}${eventId}`);
    return item ? activitySchema.parse(stripKeys(item)) : undefined;
  }

  async view(user: UserKey, now: Date): Promise<UserView> {
    return viewOf(
      this.live(userPartition(user), now)
        .filter(([sk]) => sk > AFTER_ACTIVITIES)
        .map(([, item]) => item),
    );
  }

  async settings(user: UserKey): Promise<SettingsPatch> {
    return settingsOf(this.items.get(userPartition(user), SETTINGS));
  }

  async activities(user: UserKey, now: Date): Promise<Activity[]> {
    return this.live(userPartition(user), now)
      .filter(([sk]) => sk.startsWith(ACTIVITY))
      .map(([, item]) => activitySchema.parse(stripKeys(item)));
  }

  async projection(user: UserKey): Promise<ProjectionRecord | undefined> {
    const item = this.items.get(userPartition(user), PROJECTION);
    return item ? projectionRecordOf(item, PROJECTION) : undefined;
  }

  async saveProjection(
    user: UserKey,
    record: Omit<ProjectionRecord, 'version'>,
    expectedVersion: number | undefined,
  ): Promise<boolean> {
    // Checked and written in one synchronous step, as DynamoDB's condition is one with its write.
    const current = this.items.get(userPartition(user), PROJECTION);
    if ((current === undefined ? undefined : Number(current.version)) !== expectedVersion) return false;
    this.put(userPartition(user), PROJECTION, projectionAttributes(record, expectedVersion));
    return true;
  }

  async dropProjection(user: UserKey): Promise<void> {
    this.items.delete(userPartition(user), PROJECTION);
  }

  async raise(user: UserKey, nudge: StoredNudge, now: Date): Promise<boolean> {
    const current = this.items.get(userPartition(user), nudgeKeyOf(nudge));
    if (current && String(current.cooldownUntil) > now.toISOString()) return false;
    this.put(userPartition(user), nudgeKeyOf(nudge), nudgeAttributes(nudge));
    return true;
  }

  async claim(user: UserKey, day: string, nudgeId: string, cap: number): Promise<Claim> {
    const current = this.items.get(userPartition(user), `${CAP}${day}`);
    const deliveries = current ? deliveriesOf(current) : { delivered: 0, claimed: new Set<string>() };
    if (deliveries.claimed.has(nudgeId)) return 'claimed_before';
    if (deliveries.delivered >= cap) return 'full';
    this.put(userPartition(user), `${CAP}${day}`, {
      delivered: deliveries.delivered + 1,
      claimed: [...deliveries.claimed, nudgeId],
      expiresAt: deliveriesTtl(day),
    });
    return 'claimed';
  }

  async withdraw(user: UserKey, nudge: Pick<StoredNudge, 'id' | 'rule' | 'entityId'>): Promise<void> {
    if (this.items.get(userPartition(user), nudgeKeyOf(nudge))?.id === nudge.id) {
      this.items.delete(userPartition(user), nudgeKeyOf(nudge));
    }
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
    const updated = {
      ...current,
      ...Object.fromEntries(settingsAttributes(patch)),
      updatedAt: new Date().toISOString(),
    };
    this.put(userPartition(user), SETTINGS, updated);
    return settingsOf(updated);
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
