import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KeyedItems } from '../dynamo/memory';
import { queryAll } from '../dynamo/paging';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import { setFields } from '../dynamo/updates';
import type { MetricHistoryReader } from './history';
import type { MetricDay, MetricEntities, MetricPoint, MetricSeriesQuery, MetricValues } from './model';
import { seriesKey } from './model';

/** The metric history's persistence: per-series writes of a day, and reads of days or of one series. */
export interface MetricHistoryStore extends MetricHistoryReader {
  /** Sets the given series of one day (others of that day stay); the day expires at `expiresAt` (epoch seconds). */
  record(tenantId: string, date: string, values: MetricValues, expiresAt: number): Promise<void>;
  /** Every day between `from` and `to` (both included) with all its series, oldest first. */
  days(tenantId: string, from: string, to: string, nowSeconds: number): Promise<MetricDay[]>;
  /** Replaces the names of the tenant's goals and components (the latest snapshot's). */
  saveEntities(tenantId: string, entities: MetricEntities, expiresAt: number): Promise<void>;
  /** The names the latest snapshot saved, if any. */
  entities(tenantId: string, nowSeconds: number): Promise<MetricEntities | undefined>;
}

/** The item of a tenant's entity names: after every `DAY#` key, so no day query reads it. */
const ENTITIES_KEY = 'ENTITIES';

const entitiesOf = (item: Record<string, unknown> | undefined, nowSeconds: number): MetricEntities | undefined =>
  item && live(item, nowSeconds) && Array.isArray(item.goals) && Array.isArray(item.components)
    ? { goals: item.goals as MetricEntities['goals'], components: item.components as string[] }
    : undefined;

const dayKey = (date: string): string => `DAY#${date}`;
const DAY_PREFIX_LENGTH = dayKey('').length;
const RESERVED = new Set(['pk', 'sk', 'expiresAt']);

const valuesOf = (item: Record<string, unknown>): MetricValues =>
  Object.fromEntries(
    Object.entries(item).filter(
      (entry): entry is [string, number] => !RESERVED.has(entry[0]) && typeof entry[1] === 'number',
    ),
  );

const live = (item: Record<string, unknown>, nowSeconds: number): boolean =>
  typeof item.expiresAt !== 'number' || item.expiresAt > nowSeconds;

/** The metric history in DynamoDB: one UpdateItem per day written, one Query per read. */
export class DynamoMetricHistory implements MetricHistoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(tenantId: string, date: string, values: MetricValues, expiresAt: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: dayKey(date) },
        ...setFields({ ...values, expiresAt }),
      }),
    );
  }

  async days(tenantId: string, from: string, to: string, nowSeconds: number): Promise<MetricDay[]> {
    const items = await queryAll(this.client, this.between(tenantId, from, to));
    return items
      .filter((item) => live(item, nowSeconds))
      .map((item) => ({ date: String(item.sk).slice(DAY_PREFIX_LENGTH), values: valuesOf(item) }));
  }

  async saveEntities(tenantId: string, entities: MetricEntities, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: tenantKey(tenantId), sk: ENTITIES_KEY, ...entities, expiresAt },
      }),
    );
  }

  async entities(tenantId: string, nowSeconds: number): Promise<MetricEntities | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantKey(tenantId), sk: ENTITIES_KEY } }),
    );
    return entitiesOf(Item, nowSeconds);
  }

  async series(tenantId: string, query: MetricSeriesQuery): Promise<readonly MetricPoint[]> {
    const key = seriesKey(query.metric, query.entityId);
    const items = await queryAll(this.client, {
      ...this.between(tenantId, query.from, query.to),
      ProjectionExpression: '#sk, #series, #expiresAt',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#series': key, '#expiresAt': 'expiresAt' },
    });
    const nowSeconds = epochSeconds(this.clock());
    return items.flatMap((item) => {
      const value = item[key];
      return typeof value === 'number' && live(item, nowSeconds)
        ? [{ date: String(item.sk).slice(DAY_PREFIX_LENGTH), value }]
        : [];
    });
  }

  private between(tenantId: string, from: string, to: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': tenantKey(tenantId), ':from': dayKey(from), ':to': dayKey(to) },
    };
  }
}

interface StoredDay {
  readonly date: string;
  readonly values: MetricValues;
  readonly expiresAt: number;
}

/** The in-memory twin of the DynamoDB metric history, for unit tests. */
export class InMemoryMetricHistory implements MetricHistoryStore {
  private readonly items = new KeyedItems<StoredDay>();
  private readonly names = new Map<string, { entities: MetricEntities; expiresAt: number }>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async record(tenantId: string, date: string, values: MetricValues, expiresAt: number): Promise<void> {
    const earlier = this.items.get(tenantKey(tenantId), dayKey(date));
    this.items.put(tenantKey(tenantId), dayKey(date), { date, values: { ...earlier?.values, ...values }, expiresAt });
  }

  async days(tenantId: string, from: string, to: string, nowSeconds: number): Promise<MetricDay[]> {
    return this.items
      .query(tenantKey(tenantId))
      .filter((day) => day.date >= from && day.date <= to && day.expiresAt > nowSeconds)
      .map(({ date, values }) => ({ date, values }));
  }

  async saveEntities(tenantId: string, entities: MetricEntities, expiresAt: number): Promise<void> {
    this.names.set(tenantId, structuredClone({ entities, expiresAt }));
  }

  async entities(tenantId: string, nowSeconds: number): Promise<MetricEntities | undefined> {
    const saved = this.names.get(tenantId);
    return saved && saved.expiresAt > nowSeconds ? structuredClone(saved.entities) : undefined;
  }

  async series(tenantId: string, query: MetricSeriesQuery): Promise<readonly MetricPoint[]> {
    const key = seriesKey(query.metric, query.entityId);
    const nowSeconds = epochSeconds(this.clock());
    return (await this.days(tenantId, query.from, query.to, nowSeconds)).flatMap((day) => {
      const value = day.values[key];
      return value === undefined ? [] : [{ date: day.date, value }];
    });
  }
}
