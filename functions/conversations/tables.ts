import type { TableDefinition } from '../shared/dynamo/tables';

/**
 * Coaching conversations: the conversation item (`META`) and its messages (`MSG#<seq>`) share the partition
 * `TENANT#<t>#CONV#<id>`. The conversation item carries the owner and tenant keys the listing indexes use. The
 * conversation stats (stats.ts) keep their day items in `TENANT#<t>#CONVSTATS` and `GLOBAL#CONVSTATS`.
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

/**
 * Idempotency records of the conversation requests sent with an Idempotency-Key (Powertools idempotency): partition
 * `TENANT#<t>`, sort key `<route>#<hash of user and key>`; each expires 24 h after its request (TTL on `expiresAt`).
 */
export const conversationRequestsTable = {
  id: 'ConversationRequests',
  envVar: 'CONVERSATION_REQUESTS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
