import type { TableDefinition } from '../dynamo/tables';

/**
 * How each .NET source last answered for each tenant (`TENANT#<id>`, one item `SOURCES`): per source its last
 * success, last failure and that failure's reason, each its own attribute, so concurrent reads of different sources
 * (or of the same one) update their fields without a read-modify-write. TTL on `expiresAt`, moved on every write.
 */
export const sourceHealthTable = {
  id: 'SourceHealth',
  envVar: 'SOURCE_HEALTH_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
