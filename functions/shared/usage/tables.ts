import type { TableDefinition } from '../dynamo/tables';

/**
 * Usage events, rollups, reservations, limits and rate windows. Every tenant's month rollup carries `rankMonth`, the
 * month and one of RANKING_SHARDS shards (dynamo-usage-ledger.ts), so a query per shard lists a month's tenants for
 * the ranking without putting them all on one index key.
 */
export const usageTable = {
  id: 'Usage',
  envVar: 'USAGE_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [{ name: 'byMonth', partitionKey: 'rankMonth' }],
} as const satisfies TableDefinition;
