import { businessData, documentClient, dynamoClient, modelGateway, promptStore } from '../shared/adapters';
import { config } from '../shared/config';
import type { IdempotencyGuard } from '../shared/http/idempotency';
import { lazyPort, once } from '../shared/once';
import type { Coach } from './coach';
import { ModelCoach } from './model-coach';
import { OfflineCoach } from './offline-coach';
import { ConversationService } from './service';
import type { ConversationSettings } from './turn-engine';
import { ConversationActivity, ConversationStatsReport, DynamoConversationStats } from './stats';
import { DynamoConversationStore } from './store';
import { conversationsConfig } from './config';
import { supportDesk } from '../support/service';
import { supportDeps } from '../support/wiring';

/** Conversation settings from config; business context is refreshed when older than a day. */
export const conversationSettings = (): ConversationSettings => {
  const cfg = conversationsConfig();
  return {
    idleDays: cfg.CONVERSATION_IDLE_DAYS,
    outcomeRetentionDays: cfg.CONVERSATION_OUTCOME_RETENTION_DAYS,
    recentMessages: cfg.CONVERSATION_RECENT_MESSAGES,
    historyTokenBudget: cfg.CONVERSATION_HISTORY_TOKEN_BUDGET,
    contextMaxAgeMs: 86_400_000,
  };
};

/** The coach: a model through the gateway, or, under the rules provider (no model), the offline coach. */
const coach = (): Coach =>
  config().LLM_PROVIDER === 'rules' ? new OfflineCoach() : new ModelCoach(modelGateway(), promptStore());

/** The conversation service with its production adapters, built once per process. */
export const conversationService = /* @__PURE__ */ once(
  (): ConversationService =>
    new ConversationService({
      store: new DynamoConversationStore(documentClient(), conversationsConfig().CONVERSATIONS_TABLE),
      prompts: promptStore(),
      coach: coach(),
      activity: new ConversationActivity(
        new DynamoConversationStats(documentClient(), conversationsConfig().CONVERSATIONS_TABLE),
        conversationsConfig().CONVERSATION_OUTCOME_RETENTION_DAYS,
      ),
      businessData: businessData(),
      handoff: supportDesk(supportDeps()),
      clock: () => new Date(),
      settings: conversationSettings(),
    }),
);

/** The conversation section of the admin usage report, on the conversations table, built once per process. */
export const conversationStatsReport = /* @__PURE__ */ once((): ConversationStatsReport => {
  const cfg = conversationsConfig();
  return new ConversationStatsReport(
    new DynamoConversationStats(documentClient(), cfg.CONVERSATIONS_TABLE),
    cfg.CONVERSATION_ABANDONED_DAYS,
    () => new Date(),
  );
});

/**
 * The Idempotency-Keys of the turn routes, in their table; Powertools idempotency loads with the first request that
 * sends a key.
 */
export const conversationRequests = /* @__PURE__ */ once((): IdempotencyGuard =>
  lazyPort<IdempotencyGuard>(async () => {
    const { DynamoIdempotency } = await import('../shared/http/dynamo-idempotency');
    return new DynamoIdempotency(dynamoClient(), conversationsConfig().CONVERSATION_REQUESTS_TABLE);
  }),
);
