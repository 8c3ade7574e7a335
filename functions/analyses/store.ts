import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseItem } from '../shared/dynamo/items';
import { KeyedItems } from '../shared/dynamo/memory';
import { decodeCursor, encodeCursor, queryPage, type CursorShape } from '../shared/dynamo/paging';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import { conditionalCheckFailed, writeIf } from '../shared/dynamo/writes';
import * as z from '../shared/zod';
import { analysisFeedbackSchema, analysisResponseSchema } from './api';

/** One analysis as stored: what the API shows, and whose it is, what was asked, who gave feedback, when it expires. */
export const storedAnalysisSchema = z.extend(z.omit(analysisResponseSchema, { feedback: true }), {
  tenantId: z.string(),
  /** Who asked (the user id, or the service for a job). */
  requestedBy: z.string(),
  /** The request body as parsed by the type's schema (a job runs it again). */
  request: z.unknown(),
  feedback: z.optional(z.extend(analysisFeedbackSchema, { at: z.iso.datetime(), by: z.string() })),
  expiresAt: z.number(),
});
export type StoredAnalysis = z.infer<typeof storedAnalysisSchema>;

/** What a finished analysis adds: its result and provenance (done), or the reason it failed. */
export type AnalysisOutcomeUpdate =
  | { readonly status: 'done'; readonly result: unknown; readonly provenance: StoredAnalysis['provenance'] }
  | { readonly status: 'failed'; readonly reason: string };

/** One page of a tenant's analyses, newest first. */
export interface AnalysisPage {
  readonly items: readonly StoredAnalysis[];
  readonly cursor?: string;
}

/** What a page of a tenant's analyses asks for: one type or all, how many, from where. */
export interface AnalysisListQuery {
  readonly type?: string;
  readonly pageSize: number;
  readonly cursor?: string;
}

/** Persistence of analyses, per tenant; every read leaves out what has expired. */
export interface AnalysisStore {
  /** Stores a new analysis (its id is new: a second put of the same id fails). */
  put(analysis: StoredAnalysis): Promise<void>;
  /** pending -> done or failed, once: false when it was not pending (a redelivered job, or gone). */
  finish(tenantId: string, id: string, outcome: AnalysisOutcomeUpdate, at: Date): Promise<boolean>;
  get(tenantId: string, id: string, now: Date): Promise<StoredAnalysis | undefined>;
  list(tenantId: string, query: AnalysisListQuery, now: Date): Promise<AnalysisPage>;
  /** Sets (replaces) the feedback of a done analysis; false when there is no done analysis of that id. */
  setFeedback(tenantId: string, id: string, feedback: NonNullable<StoredAnalysis['feedback']>): Promise<boolean>;
}

const PREFIX = 'ANALYSIS#';
const keyOf = (tenantId: string, id: string) => ({ pk: tenantKey(tenantId), sk: `${PREFIX}${id}` });
const typePartition = (tenantId: string, type: string): string => `${tenantKey(tenantId)}#TYPE#${type}`;

/** The list a page reads: the tenant's partition, or its partition of one type in the `byType` index. */
const listSource = (tenantId: string, type: string | undefined) =>
  type === undefined
    ? {
        index: undefined,
        key: 'pk',
        value: tenantKey(tenantId),
        shape: { attributes: ['pk', 'sk'], partition: { name: 'pk', value: tenantKey(tenantId) } } as CursorShape,
      }
    : {
        index: 'byType',
        key: 'typePk',
        value: typePartition(tenantId, type),
        shape: {
          attributes: ['pk', 'sk', 'typePk', 'typeSk'],
          partition: { name: 'typePk', value: typePartition(tenantId, type) },
        } as CursorShape,
      };

/** The key attributes of an analysis' item, the `byType` index's included (what its cursors carry). */
const itemKeys = (analysis: StoredAnalysis): Record<string, string> => ({
  ...keyOf(analysis.tenantId, analysis.id),
  typePk: typePartition(analysis.tenantId, analysis.type),
  typeSk: analysis.id,
});

const itemOf = (analysis: StoredAnalysis): Record<string, unknown> => ({ ...itemKeys(analysis), ...analysis });

const outcomeFields = (outcome: AnalysisOutcomeUpdate, at: Date): Partial<StoredAnalysis> =>
  outcome.status === 'done'
    ? { status: 'done', result: outcome.result, provenance: outcome.provenance, finishedAt: at.toISOString() }
    : { status: 'failed', reason: outcome.reason, finishedAt: at.toISOString() };

/** The analyses table on DynamoDB. */
export class DynamoAnalysisStore implements AnalysisStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(analysis: StoredAnalysis): Promise<void> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: itemOf(analysis),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) throw conditionalCheckFailed();
  }

  async finish(tenantId: string, id: string, outcome: AnalysisOutcomeUpdate, at: Date): Promise<boolean> {
    const fields = outcomeFields(outcome, at);
    const names = Object.keys(fields);
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(tenantId, id),
        UpdateExpression: `SET ${names.map((name, i) => `#f${i} = :f${i}`).join(', ')}`,
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: {
          ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name as keyof typeof fields]])),
          ':pending': 'pending',
        },
      }),
    );
    return written;
  }

  async get(tenantId: string, id: string, now: Date): Promise<StoredAnalysis | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(tenantId, id), ConsistentRead: true }),
    );
    if (!Item || (Item.expiresAt as number) <= epochSeconds(now)) return undefined;
    return parseItem(storedAnalysisSchema, Item);
  }

  async list(tenantId: string, query: AnalysisListQuery, now: Date): Promise<AnalysisPage> {
    const source = listSource(tenantId, query.type);
    const page = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        ...(source.index ? { IndexName: source.index } : {}),
        KeyConditionExpression: source.index ? '#key = :key' : '#key = :key AND begins_with(sk, :prefix)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeNames: { '#key': source.key },
        ExpressionAttributeValues: {
          ':key': source.value,
          ':now': epochSeconds(now),
          ...(source.index ? {} : { ':prefix': PREFIX }),
        },
        ScanIndexForward: false,
        Limit: query.pageSize,
      },
      query.cursor,
      source.shape,
    );
    return {
      items: page.items.map((item) => parseItem(storedAnalysisSchema, item)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  }

  async setFeedback(tenantId: string, id: string, feedback: NonNullable<StoredAnalysis['feedback']>): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(tenantId, id),
        UpdateExpression: 'SET feedback = :feedback',
        ConditionExpression: '#status = :done',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':feedback': feedback, ':done': 'done' },
      }),
    );
    return written;
  }
}

/** The in-memory twin of DynamoAnalysisStore (same keys, conditions, order and cursors). */
export class InMemoryAnalysisStore implements AnalysisStore {
  private readonly items = new KeyedItems<StoredAnalysis>();

  async put(analysis: StoredAnalysis): Promise<void> {
    const { pk, sk } = keyOf(analysis.tenantId, analysis.id);
    if (this.items.get(pk, sk)) throw conditionalCheckFailed();
    this.items.put(pk, sk, analysis);
  }

  async finish(tenantId: string, id: string, outcome: AnalysisOutcomeUpdate, at: Date): Promise<boolean> {
    const { pk, sk } = keyOf(tenantId, id);
    const item = this.items.get(pk, sk);
    if (item?.status !== 'pending') return false;
    this.items.put(pk, sk, { ...item, ...outcomeFields(outcome, at) });
    return true;
  }

  async get(tenantId: string, id: string, now: Date): Promise<StoredAnalysis | undefined> {
    const { pk, sk } = keyOf(tenantId, id);
    const item = this.items.get(pk, sk);
    return item && item.expiresAt > epochSeconds(now) ? item : undefined;
  }

  async list(tenantId: string, query: AnalysisListQuery, now: Date): Promise<AnalysisPage> {
    const source = listSource(tenantId, query.type);
    const start = await decodeCursor(query.cursor, source.shape);
    const newestFirst = this.items
      .query(tenantKey(tenantId))
      .filter((item) => query.type === undefined || item.type === query.type)
      .reverse();
    const after = start ? newestFirst.filter((item) => `${PREFIX}${item.id}` < (start.sk as string)) : newestFirst;
    const evaluated = after.slice(0, query.pageSize);
    const last = evaluated.at(-1);
    // Like DynamoDB, a read that stops at its Limit has a next position, even when nothing follows.
    const cursor =
      last && evaluated.length === query.pageSize
        ? await encodeCursor(source.index ? itemKeys(last) : keyOf(tenantId, last.id), source.shape)
        : undefined;
    return {
      items: evaluated.filter((item) => item.expiresAt > epochSeconds(now)),
      ...(cursor ? { cursor } : {}),
    };
  }

  async setFeedback(tenantId: string, id: string, feedback: NonNullable<StoredAnalysis['feedback']>): Promise<boolean> {
    const { pk, sk } = keyOf(tenantId, id);
    const item = this.items.get(pk, sk);
    if (item?.status !== 'done') return false;
    this.items.put(pk, sk, { ...item, feedback });
    return true;
  }
}
