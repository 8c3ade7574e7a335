import type { HandoffEvent } from '../../../functions/conversations/handoff';
import type { Message } from '../../../functions/conversations/model';
import type { StoredConversation } from '../../../functions/conversations/store';
import { DEFAULT_SUPPORT_CONFIG } from '../../../functions/support/model';
import { escalate, moveTicket, type SupportDeps } from '../../../functions/support/service';
import { MemoryTicketStore } from '../../../functions/support/store';
import { aConversation, aMessage } from '../../support/conversation-factory';
import { testInvocation } from '../../support/invocation';

const NOON_NY = new Date('2026-12-02T17:00:00Z');
const EVENING_NY = new Date('2026-12-02T23:00:00Z');

const setup = (now: Date) => {
  const conversation = aConversation(NOON_NY, { tenantId: 'tenant-a', userId: 'user-1' });
  const messages: Message[] = [1, 2, 3, 4, 5].map((seq) => aMessage(seq, NOON_NY));
  const published: HandoffEvent[] = [];
  let clock = now;
  const deps: SupportDeps = {
    tickets: new MemoryTicketStore(),
    conversations: {
      get: async (tenantId, id): Promise<StoredConversation | undefined> =>
        tenantId === conversation.tenantId && id === conversation.id ? { conversation } : undefined,
      messages: async (tenantId, id) => (tenantId === conversation.tenantId && id === conversation.id ? messages : []),
    },
    handoff: { publish: async (event) => void published.push(event) },
    config: { ...DEFAULT_SUPPORT_CONFIG, historyMessages: 3 },
    now: () => clock,
  };
  return { deps, conversation, published, tick: (ms: number) => (clock = new Date(clock.getTime() + ms)) };
};

const request = { reason: 'My sync fails', priority: 'high', category: 'technical' } as const;

describe('escalate', () => {
  it("opens a ticket with the last messages of the caller's conversation and publishes its hand-off", async () => {
    const { deps, conversation, published } = setup(NOON_NY);
    const { invocation } = testInvocation();

    const result = await escalate(deps, invocation, { ...request, conversationId: conversation.id });

    expect(result).toMatchObject({
      queuePosition: 1,
      estimatedWaitTime: 10,
      agentAvailability: true,
      escalationDetails: {
        department: 'technical_support',
        skillsRequired: ['integrations', 'troubleshooting'],
        context: { conversationId: conversation.id, messagesIncluded: 3 },
      },
    });
    const ticket = await deps.tickets.get('tenant-a', result.ticketId, NOON_NY);
    expect(ticket?.history.map((each) => each.content)).toEqual([
      'Message number 3',
      'Message number 4',
      'Message number 5',
    ]);
    expect(published).toEqual([expect.objectContaining({ ticketId: result.ticketId, reason: 'escalate' })]);
  });

  it('queues later tickets behind earlier open ones of the department, longer outside hours', async () => {
    const { deps, tick } = setup(EVENING_NY);
    const { invocation } = testInvocation();

    await escalate(deps, invocation, request);
    tick(1000);
    const second = await escalate(deps, testInvocation({ tenantId: 'tenant-b' }).invocation, request);
    tick(1000);
    const billing = await escalate(deps, invocation, { ...request, category: 'billing' });

    expect(second.queuePosition).toBe(2);
    expect(second.agentAvailability).toBe(false);
    expect(second.estimatedWaitTime).toBe(15 * 60 + 30);
    expect(billing.queuePosition).toBe(1);
  });

  it("refuses another user's conversation as not found", async () => {
    const { deps, conversation } = setup(NOON_NY);

    await expect(
      escalate(deps, testInvocation({ userId: 'user-2' }).invocation, { ...request, conversationId: conversation.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      escalate(deps, testInvocation({ tenantId: 'tenant-b' }).invocation, {
        ...request,
        conversationId: conversation.id,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('moveTicket', () => {
  it('lets the tenant admin move a ticket legally, refuses illegal moves with 409 and other tenants with 404', async () => {
    const { deps } = setup(NOON_NY);
    const { ticketId } = await escalate(deps, testInvocation().invocation, request);
    const admin = testInvocation({ isAdmin: true }).invocation;

    expect((await moveTicket(deps, admin, undefined, ticketId, 'closed')).status).toBe('closed');
    await expect(moveTicket(deps, admin, undefined, ticketId, 'open')).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      moveTicket(
        deps,
        testInvocation({ isAdmin: true, tenantId: 'tenant-b' }).invocation,
        'tenant-a',
        ticketId,
        'open',
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(moveTicket(deps, testInvocation().invocation, undefined, ticketId, 'open')).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it("lets a platform admin move any tenant's ticket", async () => {
    const { deps } = setup(NOON_NY);
    const { ticketId } = await escalate(deps, testInvocation().invocation, request);
    const platform = testInvocation({ isPlatformAdmin: true, tenantId: 'platform' }).invocation;

    expect((await moveTicket(deps, platform, 'tenant-a', ticketId, 'in_progress')).status).toBe('in_progress');
  });
});
