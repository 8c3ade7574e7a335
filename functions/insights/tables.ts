import type { TableDefinition } from '../shared/dynamo/tables';

/** Insight sets, dismissals, the generation lease and the refresh cooldown, keyed by `TENANT#<id>`. */
export const insightsTable = {
  id: 'Insights',
  envVar: 'INSIGHTS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
