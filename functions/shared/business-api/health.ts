import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseItem } from '../dynamo/items';
import { epochSeconds, tenantKey } from '../dynamo/tables';
import { setFields } from '../dynamo/updates';
import * as z from '../zod';
import { sourceErrorSchema, sourceNames, type DataGap, type SourceName } from './model';
import type { BusinessData, BusinessDataRequest } from './port';

/**
 * The health of the .NET sources per tenant: every snapshot records how each source it asked for answered (a 404 is
 * an answer: the service has no records for the tenant), so the account status can say which source fails for this
 * tenant, since when, and why. Recording is off the caller's path and never fails its request.
 */

/** How long a tenant's source health is kept after its last write (a tenant whose sources nobody reads loses it). */
export const SOURCE_HEALTH_RETENTION_DAYS = 90;

/** How one source answered one snapshot: with its data (or a 404), or with the gap that kept it out. */
export type SourceOutcome =
  | { readonly source: SourceName; readonly ok: true }
  | { readonly source: SourceName; readonly ok: false; readonly gap: DataGap };

/** What is known of one source for one tenant: its last success, its last failure and why (ISO instants). */
export const sourceHealthRecordSchema = z.object({
  lastSuccessAt: z.optional(z.iso.datetime()),
  lastFailureAt: z.optional(z.iso.datetime()),
  lastError: z.optional(sourceErrorSchema),
});
export type SourceHealthRecord = z.infer<typeof sourceHealthRecordSchema>;

/** A tenant's sources' health; a source never read for the tenant is absent. */
export type SourceHealth = Readonly<Partial<Record<SourceName, SourceHealthRecord>>>;

/** A source's state: never read, answering, or failing (its last read failed after its last success). */
export type SourceStatus = 'unknown' | 'healthy' | 'failing';

/** The state a record says a source is in. */
export const sourceStatus = (record: SourceHealthRecord | undefined): SourceStatus => {
  if (!record?.lastFailureAt) return record?.lastSuccessAt ? 'healthy' : 'unknown';
  return record.lastFailureAt > (record.lastSuccessAt ?? '') ? 'failing' : 'healthy';
};

/** The outcome of each source a snapshot asked for, from its gaps (a `not_found` gap is an answer). */
export const sourceOutcomes = (sources: readonly SourceName[], gaps: readonly DataGap[]): SourceOutcome[] =>
  [...new Set(sources)].map((source) => {
    const gap = gaps.find((candidate) => candidate.source === source);
    return gap && gap.reason !== 'not_found' ? { source, ok: false, gap } : { source, ok: true };
  });

/** Where the sources' health is kept. */
export interface SourceHealthStore {
  /** Sets the fields the outcomes change (a success's time; a failure's time and reason), each on its own. */
  record(tenantId: string, outcomes: readonly SourceOutcome[], at: Date): Promise<void>;
  /** The tenant's sources' health, as last recorded. */
  read(tenantId: string, now: Date): Promise<SourceHealth>;
}

const HEALTH_KEY = 'SOURCES';
const field = (source: SourceName, name: keyof SourceHealthRecord): string => `${source}#${name}`;
const expiryOf = (at: Date): number => epochSeconds(at) + SOURCE_HEALTH_RETENTION_DAYS * 86_400;

/** The fields the outcomes set: per source, `lastSuccessAt`, or `lastFailureAt` and `lastError`. */
const fieldsOf = (outcomes: readonly SourceOutcome[], at: Date): Record<string, unknown> =>
  Object.fromEntries(
    outcomes.flatMap((outcome): Array<[string, unknown]> => {
      const { source } = outcome;
      if (outcome.ok) return [[field(source, 'lastSuccessAt'), at.toISOString()]];
      const { reason, status } = outcome.gap;
      return [
        [field(source, 'lastFailureAt'), at.toISOString()],
        [field(source, 'lastError'), { reason, ...(status === undefined ? {} : { status }) }],
      ];
    }),
  );

/** The health a stored item holds, each source's fields checked against the record's schema. */
const healthOf = (item: Record<string, unknown>): SourceHealth =>
  Object.fromEntries(
    sourceNames.flatMap((source) => {
      const record = parseItem(
        sourceHealthRecordSchema,
        {
          lastSuccessAt: item[field(source, 'lastSuccessAt')],
          lastFailureAt: item[field(source, 'lastFailureAt')],
          lastError: item[field(source, 'lastError')],
        },
        `${String(item.pk)} ${HEALTH_KEY} ${source}`,
      );
      return Object.values(record).some((value) => value !== undefined) ? [[source, record]] : [];
    }),
  );

/** The sources' health in DynamoDB: one UpdateItem per snapshot (its fields only), one GetItem per read. */
export class DynamoSourceHealth implements SourceHealthStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(tenantId: string, outcomes: readonly SourceOutcome[], at: Date): Promise<void> {
    const fields = fieldsOf(outcomes, at);
    if (Object.keys(fields).length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: HEALTH_KEY },
        ...setFields({ ...fields, expiresAt: expiryOf(at) }),
      }),
    );
  }

  async read(tenantId: string, now: Date): Promise<SourceHealth> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantKey(tenantId), sk: HEALTH_KEY } }),
    );
    // TTL deletion is late: an expired item is no record.
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt <= epochSeconds(now))) return {};
    return healthOf(Item);
  }
}

/** The in-memory twin of the DynamoDB source health, for unit tests. */
export class InMemorySourceHealth implements SourceHealthStore {
  private readonly items = new Map<string, { fields: Record<string, unknown>; expiresAt: number }>();

  async record(tenantId: string, outcomes: readonly SourceOutcome[], at: Date): Promise<void> {
    const fields = fieldsOf(outcomes, at);
    if (Object.keys(fields).length === 0) return;
    const earlier = this.items.get(tenantId)?.fields;
    this.items.set(tenantId, structuredClone({ fields: { ...earlier, ...fields }, expiresAt: expiryOf(at) }));
  }

  async read(tenantId: string, now: Date): Promise<SourceHealth> {
    const item = this.items.get(tenantId);
    return item && item.expiresAt > epochSeconds(now) ? healthOf({ pk: tenantKey(tenantId), ...item.fields }) : {};
  }
}

/**
 * Business data that records each snapshot's source outcomes for the tenant. The write is deferred on the request (it
 * runs alongside the rest of the request and is settled before the invocation ends); a failed write is logged, never
 * thrown, so recording never fails or slows the caller's read.
 */
export class HealthRecordingBusinessData implements BusinessData {
  constructor(
    private readonly inner: BusinessData,
    private readonly health: SourceHealthStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async snapshot(request: BusinessDataRequest, sources: readonly SourceName[] = sourceNames) {
    const snapshot = await this.inner.snapshot(request, sources);
    const outcomes = sourceOutcomes(sources, snapshot.gaps);
    const write = (async () => this.health.record(request.tenantId, outcomes, this.clock()))();
    request.defer(write, { write: 'source health', sources: outcomes.map((outcome) => outcome.source) });
    return snapshot;
  }
}
