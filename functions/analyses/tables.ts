import type { TableDefinition } from '../shared/dynamo/tables';

/**
 * Analyses, keyed `TENANT#<t>` / `ANALYSIS#<id>` (ids sort by creation time, so a partition reads newest first with
 * TTL `expiresAt`, 90 days by default). The `byType` index (`typePk = TENANT#<t>#TYPE#<type>`, `typeSk = <id>`)
 * lists one type's analyses of a tenant.
 */
export const analysesTable = {
  id: 'Analyses',
  envVar: 'ANALYSES_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [{ name: 'byType', partitionKey: 'typePk', sortKey: 'typeSk' }],
} as const satisfies TableDefinition;
