import type { TableDefinition } from '../shared/dynamo/tables';

/**
 * Coaching conversations: the conversation item (`META`) and its messages (`MSG#<seq>`) share the partition
 * `TENANT#<t>#CONV#<id>`. The conversation item carries the owner and tenant keys the listing indexes use.
 */
export const conversationsTable = {
  id: 'Conversations',
  envVar: 'CONVERSATIONS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    { name: 'byOwner', partitionKey: 'ownerKey', sortKey: 'updatedAt' },
    { name: 'byTenant', partitionKey: 'tenantKey', sortKey: 'updatedAt' },
  ],
} as const satisfies TableDefinition;
