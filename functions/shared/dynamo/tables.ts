/** A DynamoDB table as both the CDK data construct and the local bootstrap create it. */
export interface TableDefinition {
  /** Logical id in the stack and suffix of the local table name. */
  readonly id: string;
  /** The env var through which functions receive the table's name. */
  readonly envVar: 'INSIGHTS_TABLE' | 'USAGE_TABLE' | 'PROMPT_INDEX_TABLE' | 'CONVERSATIONS_TABLE' | 'BATCH_TABLE';
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Epoch-seconds attribute DynamoDB TTL deletes by (late: reads must filter on it too). */
  readonly ttlAttribute: string;
  /** Global secondary indexes (string keys, all attributes projected). */
  readonly indexes?: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey?: string }[];
}

/** Every table of the service. Keys are strings; partition keys of tenant data always start with `TENANT#<id>`. */
export const tables = {
  insights: { id: 'Insights', envVar: 'INSIGHTS_TABLE', partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' },
  usage: {
    id: 'Usage',
    envVar: 'USAGE_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    /** Every tenant's month rollup carries `rankMonth`, so one query lists a month's tenants for the ranking. */
    indexes: [{ name: 'byMonth', partitionKey: 'rankMonth' }],
  },
  /**
   * Coaching conversations: the conversation item (`META`) and its messages (`MSG#<seq>`) share the partition
   * `TENANT#<t>#CONV#<id>`. The conversation item carries the owner and tenant keys the listing indexes use.
   */
  conversations: {
    id: 'Conversations',
    envVar: 'CONVERSATIONS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [
      { name: 'byOwner', partitionKey: 'ownerKey', sortKey: 'updatedAt' },
      { name: 'byTenant', partitionKey: 'tenantKey', sortKey: 'updatedAt' },
    ],
  },
  /**
   * The nightly run's state: the tenant registry (`REGISTRY`), per-day tenant claims (`BATCH#DAY#<day>`) and run
   * summaries (`BATCH#RUN#<id>`). These are operations data about tenants, not tenant data, so they are keyed by
   * registry, day and run.
   */
  batch: { id: 'Batch', envVar: 'BATCH_TABLE', partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' },
  /**
   * The prompt registry's index: versions (status, checksum, who/when) and labels per topic. Templates are
   * global, not tenant data, so these keys start with the topic (`TOPIC#<topic>`), not a tenant.
   */
  promptIndex: {
    id: 'PromptIndex',
    envVar: 'PROMPT_INDEX_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

/** The table keys by name. */
export type TableName = keyof typeof tables;

/** The partition key prefix every item of a tenant carries. */
export const tenantKey = (tenantId: string): string => `TENANT#${tenantId}`;

/** Epoch seconds of a Date, the unit of TTL attributes. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
