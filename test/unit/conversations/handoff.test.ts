import { EventBridgeHandoffPublisher, type HandoffEvent } from '../../../functions/conversations/handoff';

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
