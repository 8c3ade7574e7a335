import { envConfig, tableNameEnv } from '../shared/config';
import * as z from '../shared/zod';
import { conversationRequestsTable, conversationsTable } from './tables';

/** The environment the conversations capability reads (parsed once, at cold start). */
export const conversationsEnv = z.object({
  ...tableNameEnv(conversationsTable),
  ...tableNameEnv(conversationRequestsTable),
  CONVERSATION_IDLE_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 30),
  CONVERSATION_OUTCOME_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 730),
  /** Messages kept verbatim in the model's context; older ones are folded into the running summary. */
  CONVERSATION_RECENT_MESSAGES: z._default(z.coerce.number().check(z.int(), z.minimum(2), z.maximum(50)), 8),
  /** Token budget of the verbatim history; past it, the oldest messages are folded into the summary. */
  CONVERSATION_HISTORY_TOKEN_BUDGET: z._default(z.coerce.number().check(z.int(), z.minimum(200)), 2500),
  /** A conversation not completed and without activity for this many days counts as abandoned (usage report). */
  CONVERSATION_ABANDONED_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(365)), 7),
});

/** The conversations capability's configuration. */
export const conversationsConfig = envConfig(conversationsEnv);
