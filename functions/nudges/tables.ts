import type { TableDefinition } from '../shared/dynamo/tables';

/**
 * Coach nudges. A user's partition `TENANT#<t>#USER#<u>` holds their activities (`ACT#<eventId>`, TTL 180 days),
 * their nudges (`NUDGE#<rule>#<entity>`: one item per rule and entity, which keeps its cooldown and dismissal),
 * their settings (`SETTINGS`, one attribute per setting and per type toggle), each local day's deliveries
 * (`CAP#<local date>`: a counter and the set of the nudge ids that claimed one, TTL 9 days), when patterns were last
 * computed (`PATTERNS`) and the projection of their entities (`STATE`: deflated JSON, versioned, rebuilt weekly). The
 * view a read needs is one query for every sort key after `ACT$`, which leaves the activities out. The schedule finds users with recent activity in `GLOBAL#NUDGE_ACTIVE#<UTC date>` (one item per
 * user and day, TTL 8 days): the one partition that is not a tenant's, and it holds only tenant and user ids.
 */
export const nudgesTable = {
  id: 'Nudges',
  envVar: 'NUDGES_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
