import type { TableDefinition } from '../shared/dynamo/tables';

/**
 * The nightly run's state: the tenant registry (`REGISTRY`), per-day tenant claims (`BATCH#DAY#<day>`) and run
 * summaries (`BATCH#RUN#<id>`). These are operations data about tenants, not tenant data, so they are keyed by
 * registry, day and run.
 */
export const batchTable = {
  id: 'Batch',
  envVar: 'BATCH_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
