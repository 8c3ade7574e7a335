import {
  EventBridgeHandoffPublisher,
  LoggingHandoffPublisher,
  type HandoffEvent,
} from '../../../functions/conversations/handoff';

describe('EventBridgeHandoffPublisher', () => {
  it('puts one HumanHandoffRequested event with the conversation context on the bus', async () => {
    const sent: unknown[] = [];
    const publisher = new EventBridgeHandoffPublisher(async (entry) => void sent.push(entry), 'handoff-bus');
    const event: HandoffEvent = {
      tenantId: 't1',
      userId: 'u1',
      conversationId: 'c1',
      topic: 'vision',
      phase: 'exploration',
      reason: 'escalate',
      lastUserMessage: 'I want a person',
      summary: 'Talked about growth.',
      at: '2026-11-21T10:00:00.000Z',
    };

    await publisher.publish(event);

    expect(sent).toEqual([
      {
        Source: 'coaching.conversations',
        DetailType: 'HumanHandoffRequested',
        Detail: JSON.stringify(event),
        EventBusName: 'handoff-bus',
      },
    ]);
  });
});

describe('LoggingHandoffPublisher', () => {
  it("logs the hand-off with its context but none of the owner's words", async () => {
    const fields: unknown[] = [];
    const log = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (...args: unknown[]) => void fields.push(args),
    };
    const publisher = new LoggingHandoffPublisher(log);
    const event: HandoffEvent = {
      tenantId: 't1',
      userId: 'u1',
      conversationId: 'c1',
      topic: 'vision',
      phase: 'exploration',
      reason: 'escalate',
      lastUserMessage: 'My partner is leaving the business and I need a person to talk to',
      summary: 'The owner said their partner wants out of the business.',
      at: '2026-11-21T10:00:00.000Z',
    };

    await publisher.publish(event);

    const logged = JSON.stringify(fields);
    expect(logged).toContain('human hand-off requested');
    expect(logged).toContain('"conversationId":"c1"');
    expect(logged).not.toContain('partner');
    expect(publisher.published).toEqual([event]);
  });
});
