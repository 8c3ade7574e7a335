import type { Invocation } from '../shared/invocation';
import type { LogSink } from '../shared/observability';
import type { Conversation } from './model';

/** A request to pass a conversation to a human coach, with the context they need. */
export interface HandoffEvent {
  readonly tenantId: string;
  readonly userId: string;
  readonly conversationId: string;
  readonly topic: string;
  readonly phase: string;
  readonly reason: 'escalate' | 'low_confidence';
  readonly lastUserMessage: string;
  readonly summary: string;
  readonly at: string;
  /** The support ticket the hand-off opened (functions/support), when one did. */
  readonly ticketId?: string;
}

/** A conversation's request for a human, as its turn engine hands it over (after the turn is stored). */
export interface ConversationHandoff {
  readonly conversation: Pick<Conversation, 'id' | 'tenantId' | 'userId' | 'topic' | 'phase' | 'summary' | 'turn'>;
  readonly reason: 'escalate' | 'low_confidence';
  readonly lastUserMessage: string;
}

/**
 * Who takes a conversation's hand-off: the support desk (functions/support) opens a ticket with the conversation's
 * recent history and publishes the HumanHandoffRequested event naming it.
 */
export interface HandoffDesk {
  handOff(invocation: Invocation, handoff: ConversationHandoff): Promise<{ readonly ticketId: string }>;
}

/** Where hand-off requests go (EventBridge in AWS). */
export interface HandoffPublisher {
  publish(event: HandoffEvent): Promise<void>;
}

/** Publishes hand-offs as `coaching.conversations` / `HumanHandoffRequested` events on a bus. */
export class EventBridgeHandoffPublisher implements HandoffPublisher {
  constructor(
    private readonly send: (entry: {
      Source: string;
      DetailType: string;
      Detail: string;
      EventBusName: string;
    }) => Promise<void>,
    private readonly busName: string,
  ) {}

  async publish(event: HandoffEvent): Promise<void> {
    await this.send({
      Source: 'coaching.conversations',
      DetailType: 'HumanHandoffRequested',
      Detail: JSON.stringify(event),
      EventBusName: this.busName,
    });
  }
}

/**
 * Where no bus is configured (local runs): the hand-off is logged, and kept for tests to read. The log line names the
 * conversation but carries none of the owner's words (their last message and the summary of what they said), only
 * their lengths.
 */
export class LoggingHandoffPublisher implements HandoffPublisher {
  readonly published: HandoffEvent[] = [];
  constructor(private readonly log: LogSink) {}

  async publish(event: HandoffEvent): Promise<void> {
    this.published.push(event);
    const { lastUserMessage, summary, ...context } = event;
    this.log.warn('human hand-off requested', {
      ...context,
      lastUserMessageLength: lastUserMessage.length,
      summaryLength: summary.length,
    });
  }
}
