import type { TableDefinition } from '../dynamo/tables';

/**
 * Jobs of long model work per tenant (`TENANT#<id>`): each job (`JOB#<id>`) and, per kind, the slot holding the
 * tenant's latest job (`ACTIVE#<kind>`), which lets one job of a kind be active at a time. TTL on `expiresAt`.
 */
export const jobsTable = {
  id: 'Jobs',
  envVar: 'JOBS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
