import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../shared/zod';
import { parseItem } from '../shared/dynamo/items';
import { KeyedItems } from '../shared/dynamo/memory';
import { queryAll } from '../shared/dynamo/paging';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import type { Invocation } from '../shared/invocation';
import {
  conversationTopics,
  type Conversation,
  type ConversationStats,
  type ConversationTopic,
  type LifecycleCounts,
} from './model';
import type { StoredConversation } from './store';
import { daysAfter } from './turns';

/**
 * Conversation stats for the usage report. Conversations are counted by cohort, the UTC day they started: per
 * tenant (`TENANT#<t>#CONVSTATS`) and across tenants (`GLOBAL#CONVSTATS`, the report's all-tenants view; like the
 * usage table's all-tenants rollup, the one partition here that is not a tenant's), one item per day (`DAY#<day>`)
 * in the conversations table. Its counters, per topic: `started#<topic>`, `completed#<topic>`, and
 * `active#<topic>#<day>`, the cohort's conversations not completed whose last activity was that day. A conversation
 * not completed and idle for the report's `abandonedAfterDays` is abandoned; the others are in progress.
 */

/** A cohort's counters, by name. */
export type Counters = Readonly<Record<string, number>>;

/** One cohort: the day its conversations started, and its counters. */
export interface Cohort {
  readonly day: string;
  readonly counters: Counters;
}

/** Where the counters are kept. */
export interface ConversationStatsStore {
  /** Adds to a cohort's counters (tenant and all tenants), atomically; the items live until `expiresAt`. */
  add(tenantId: string, day: string, counters: Counters, expiresAt: Date): Promise<void>;
  /** The cohorts that started from `from` to `to` (days), of one tenant or of all (`tenantId` undefined). */
  cohorts(tenantId: string | undefined, from: string, to: string): Promise<Cohort[]>;
}

const DAY_PREFIX = 'DAY#';
const GLOBAL = 'GLOBAL#CONVSTATS';
const partitionOf = (tenantId: string | undefined): string =>
  tenantId === undefined ? GLOBAL : `${tenantKey(tenantId)}#CONVSTATS`;

const dayOf = (iso: string): string => iso.slice(0, 10);
const started = (topic: ConversationTopic): string => `started#${topic}`;
const completed = (topic: ConversationTopic): string => `completed#${topic}`;
const active = (topic: ConversationTopic, day: string): string => `active#${topic}#${day}`;

const cohortItemSchema = z.object({ sk: z.string().check(z.startsWith(DAY_PREFIX)), expiresAt: z.number() });
const counterSchema = z.record(z.string(), z.number());
const COUNTER = /^(started|completed|active)#/;

/** The counters of an item (its attributes that are counters). */
const countersOf = (item: Record<string, unknown>): Counters =>
  parseItem(counterSchema, Object.fromEntries(Object.entries(item).filter(([name]) => COUNTER.test(name))));

/** ConversationStatsStore on the conversations table: one UpdateItem with ADD per cohort item. */
export class DynamoConversationStats implements ConversationStatsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async add(tenantId: string, day: string, counters: Counters, expiresAt: Date): Promise<void> {
    const names = Object.keys(counters);
    await Promise.all(
      [tenantId, undefined].map((owner) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: partitionOf(owner), sk: `${DAY_PREFIX}${day}` },
            UpdateExpression: `SET expiresAt = :expiresAt ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
            ExpressionAttributeValues: {
              ':expiresAt': epochSeconds(expiresAt),
              ...Object.fromEntries(names.map((name, i) => [`:c${i}`, counters[name]])),
            },
          }),
        ),
      ),
    );
  }

  async cohorts(tenantId: string | undefined, from: string, to: string): Promise<Cohort[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: {
        ':pk': partitionOf(tenantId),
        ':from': `${DAY_PREFIX}${from}`,
        ':to': `${DAY_PREFIX}${to}`,
        ':now': epochSeconds(this.clock()),
      },
    });
    return items.map((item) => ({
      day: parseItem(cohortItemSchema, item).sk.slice(DAY_PREFIX.length),
      counters: countersOf(item),
    }));
  }
}

/** ConversationStatsStore in memory, with the adapter's items, sums and expiry filter. */
export class InMemoryConversationStats implements ConversationStatsStore {
  private readonly items = new KeyedItems<{ day: string; expiresAt: number; counters: Record<string, number> }>();

  constructor(private readonly clock: () => Date) {}

  async add(tenantId: string, day: string, counters: Counters, expiresAt: Date): Promise<void> {
    for (const owner of [tenantId, undefined]) {
      const sums = { ...this.items.get(partitionOf(owner), day)?.counters };
      for (const [name, value] of Object.entries(counters)) sums[name] = (sums[name] ?? 0) + value;
      this.items.put(partitionOf(owner), day, { day, expiresAt: epochSeconds(expiresAt), counters: sums });
    }
  }

  async cohorts(tenantId: string | undefined, from: string, to: string): Promise<Cohort[]> {
    const now = epochSeconds(this.clock());
    return this.items
      .query(partitionOf(tenantId))
      .filter((item) => item.day >= from && item.day <= to && item.expiresAt > now)
      .map(({ day, counters }) => ({ day, counters }));
  }
}

/**
 * Counts what happens to conversations in their cohort, alongside the request (a deferred write of its usage sink:
 * a failed count is logged, never the request's failure): a start, the day of each later activity (a turn, a pause,
 * a resume), a completion. Only conversations counted from their start are counted later (`counted` on the stored
 * conversation), so none goes negative.
 */
export class ConversationActivity {
  constructor(
    private readonly stats: ConversationStatsStore,
    /** How long a cohort's counters are kept. */
    private readonly retentionDays: number,
  ) {}

  /** A conversation stored with its opening turn. */
  opened(invocation: Invocation, conversation: Conversation): void {
    this.count(invocation, conversation, {
      [started(conversation.topic)]: 1,
      [active(conversation.topic, dayOf(conversation.updatedAt))]: 1,
    });
  }

  /** A conversation changed (a turn, a status): it moves to the day of its new activity, or to the completed. */
  changed(
    invocation: Invocation,
    before: Pick<StoredConversation, 'conversation' | 'counted'>,
    after: Conversation,
  ): void {
    const { conversation } = before;
    if (!before.counted || conversation.status === 'completed') return;
    const from = active(conversation.topic, dayOf(conversation.updatedAt));
    if (after.status === 'completed') {
      this.count(invocation, conversation, { [from]: -1, [completed(conversation.topic)]: 1 });
    } else if (dayOf(after.updatedAt) !== dayOf(conversation.updatedAt)) {
      this.count(invocation, conversation, { [from]: -1, [active(conversation.topic, dayOf(after.updatedAt))]: 1 });
    }
  }

  private count(invocation: Invocation, conversation: Conversation, counters: Counters): void {
    const day = dayOf(conversation.createdAt);
    const expiresAt = new Date(daysAfter(new Date(`${day}T00:00:00.000Z`), this.retentionDays));
    invocation.usage.defer(this.stats.add(conversation.tenantId, day, counters, expiresAt), {
      conversationStats: counters,
      conversationId: conversation.id,
    });
  }
}

/** Completed of the conversations that ended one way or the other (completed or abandoned); null when none did. */
const rate = (counts: Omit<LifecycleCounts, 'completionRate'>): number | null => {
  const ended = counts.completed + counts.abandoned;
  return ended === 0 ? null : Math.round((counts.completed / ended) * 1000) / 1000;
};

const withRate = (counts: Omit<LifecycleCounts, 'completionRate'>): LifecycleCounts => ({
  ...counts,
  completionRate: rate(counts),
});

/**
 * The conversation section of the usage report: of the conversations that started in its range, how many were
 * started, completed, abandoned (not completed, no activity for `abandonedAfterDays`) and are in progress, with the
 * completion rate, in total and by topic.
 */
export class ConversationStatsReport {
  constructor(
    private readonly stats: ConversationStatsStore,
    private readonly abandonedAfterDays: number,
    private readonly clock: () => Date,
  ) {}

  /** The conversations that started from `from` to `to` (days), of one tenant or of all, as they stand now. */
  async report(range: { from: string; to: string; tenantId?: string }): Promise<ConversationStats> {
    const counters = (await this.stats.cohorts(range.tenantId, range.from, range.to)).flatMap((cohort) =>
      Object.entries(cohort.counters),
    );
    const sum = (matches: (name: string) => boolean): number =>
      counters.reduce((total, [name, value]) => total + (matches(name) ? value : 0), 0);
    const lastActiveBy = dayOf(daysAfter(this.clock(), -this.abandonedAfterDays));
    const byTopic = conversationTopics.map((topic) => {
      /** An `active#<topic>#<day>` counter whose last activity day passes `test`. */
      const activeWhere = (test: (day: string) => boolean) => (name: string) =>
        name.startsWith(`active#${topic}#`) && test(name.slice(-10));
      return {
        topic,
        ...withRate({
          started: sum((name) => name === started(topic)),
          completed: sum((name) => name === completed(topic)),
          abandoned: sum(activeWhere((day) => day <= lastActiveBy)),
          inProgress: sum(activeWhere((day) => day > lastActiveBy)),
        }),
      };
    });
    const total = (field: 'started' | 'completed' | 'abandoned' | 'inProgress'): number =>
      byTopic.reduce((sumOf, row) => sumOf + row[field], 0);
    return {
      abandonedAfterDays: this.abandonedAfterDays,
      ...withRate({
        started: total('started'),
        completed: total('completed'),
        abandoned: total('abandoned'),
        inProgress: total('inProgress'),
      }),
      byTopic,
    };
  }
}
