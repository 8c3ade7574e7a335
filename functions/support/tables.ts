import type { TableDefinition } from '../shared/dynamo/tables';

/**
 * Support tickets. A tenant's partition `TENANT#<t>` holds its tickets (`TICKET#<ticketId>`, TTL `expiresAt`, 365
 * days by default). The `queue` index is sparse: only an open ticket carries `queuePk = QUEUE#<department>` and
 * `queueSk = <createdAt>#<tenantId>#<ticketId>`, so a ticket's queue position is one COUNT query on its department's
 * partition for the keys before its own (agents serve departments across tenants; the index holds only ids and times).
 */
export const ticketsTable = {
  id: 'Tickets',
  envVar: 'TICKETS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [{ name: 'queue', partitionKey: 'queuePk', sortKey: 'queueSk' }],
} as const satisfies TableDefinition;
