import type { TableDefinition } from '../dynamo/tables';

/**
 * The prompt registry's index: versions (status, checksum, who/when) and labels per topic. Templates are global, not
 * tenant data, so these keys start with the topic (`TOPIC#<topic>`), not a tenant: the one documented exception.
 */
export const promptIndexTable = {
  id: 'PromptIndex',
  envVar: 'PROMPT_INDEX_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
