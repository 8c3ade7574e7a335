import type { TableDefinition } from '../dynamo/tables';

/**
 * Usage events, rollups, reservations, limits and rate windows. Every tenant's month rollup carries `rankMonth`, so
 * one query lists a month's tenants for the ranking.
 */
export const usageTable = {
  id: 'Usage',
  envVar: 'USAGE_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [{ name: 'byMonth', partitionKey: 'rankMonth' }],
} as const satisfies TableDefinition;
