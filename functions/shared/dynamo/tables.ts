/**
 * A DynamoDB table as both the CDK data construct and the local bootstrap create it. Each capability declares the
 * tables it owns (its tables.ts); functions/routes.ts composes them into the one list the stack and the local runtime
 * read.
 */
export interface TableDefinition {
  /** Logical id in the stack and suffix of the local table name. */
  readonly id: string;
  /** The env var through which functions receive the table's name. */
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Epoch-seconds attribute DynamoDB TTL deletes by (late: reads must filter on it too). */
  readonly ttlAttribute: string;
  /** Global secondary indexes (string keys, all attributes projected). */
  readonly indexes?: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey?: string }[];
}

/** The partition key prefix every item of a tenant carries. */
export const tenantKey = (tenantId: string): string => `TENANT#${tenantId}`;

/** Epoch seconds of a Date, the unit of TTL attributes. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The table's name where its env var is unset (locally): `coaching-` and its id in kebab case (`coaching-prompt-index`). */
export const defaultTableName = (table: Pick<TableDefinition, 'id'>): string =>
  `coaching-${table.id.replace(/[A-Z]/g, (letter, offset: number) => `${offset > 0 ? '-' : ''}${letter.toLowerCase()}`)}`;
