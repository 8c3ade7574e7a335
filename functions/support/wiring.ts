import { EventBridgeHandoffPublisher, LoggingHandoffPublisher, type HandoffPublisher } from '../conversations/handoff';
import { DynamoConversationStore } from '../conversations/store';
import { documentClient } from '../shared/adapters';
import { config } from '../shared/config';
import { logger } from '../shared/observability';
import { once, onceAsync } from '../shared/once';
import { traceAwsClient } from '../shared/tracing';
import { supportConfig } from './config';
import type { SupportDeps } from './service';
import { DynamoTicketStore } from './store';

/** Hand-offs go to the configured EventBridge bus (its SDK loaded on first use), else to the log. */
export const handoffPublisher = /* @__PURE__ */ once((): HandoffPublisher => {
  const bus = supportConfig().HANDOFF_EVENT_BUS;
  if (!bus) return new LoggingHandoffPublisher(logger);
  const client = onceAsync(async () => {
    const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const eventBridge = traceAwsClient(new EventBridgeClient({ region: config().AWS_REGION }));
    return async (entry: { Source: string; DetailType: string; Detail: string; EventBusName: string }) => {
      const result = await eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
      if (result.FailedEntryCount)
        throw new Error(`EventBridge refused the event: ${result.Entries?.[0]?.ErrorMessage}`);
    };
  });
  return new EventBridgeHandoffPublisher(async (entry) => (await client())(entry), bus);
});

/** The support use cases' production adapters (tickets, conversations, the hand-off bus), built once per process. */
export const supportDeps = /* @__PURE__ */ once((): SupportDeps => {
  const cfg = supportConfig();
  return {
    tickets: new DynamoTicketStore(documentClient(), cfg.TICKETS_TABLE),
    conversations: new DynamoConversationStore(documentClient(), cfg.CONVERSATIONS_TABLE),
    handoff: handoffPublisher(),
    config: cfg.SUPPORT_CONFIG,
    now: () => new Date(),
  };
});
