import { LoggingHandoffPublisher } from '../../../functions/conversations/handoff';
import type { Message } from '../../../functions/conversations/model';
import type { StoredConversation } from '../../../functions/conversations/store';
import { DEFAULT_SUPPORT_CONFIG } from '../../../functions/support/model';
import {
  escalate,
  getTicket,
  handOffConversation,
  listTickets,
  moveTicket,
  type SupportDeps,
} from '../../../functions/support/service';
import { MemoryTicketStore } from '../../../functions/support/store';
import { aConversation, aMessage } from '../../support/conversation-factory';
import { recordingLog, silentLog, testInvocation } from '../../support/invocation';

const NOON_NY = new Date('2026-12-02T17:00:00Z');
const EVENING_NY = new Date('2026-12-02T23:00:00Z');

/** Tenant A's user-1 owns a conversation of five messages; a message in slot 6 belongs to a turn that failed. */
const setup = (now: Date, historyMessages = 3) => {
  const conversation = aConversation(NOON_NY, { tenantId: 'tenant-a', userId: 'user-1', turn: 5 });
  const messages: Message[] = [1, 2, 3, 4, 5, 6].map((seq) => aMessage(seq, NOON_NY));
  const handoff = new LoggingHandoffPublisher(silentLog);
  const tickets = new MemoryTicketStore();
  let clock = now;
  let ids = 0;
  const deps: SupportDeps = {
    tickets,
    conversations: {
      get: async (tenantId, id): Promise<StoredConversation | undefined> =>
        tenantId === conversation.tenantId && id === conversation.id ? { conversation } : undefined,
      messages: async (tenantId, id, after = 0) =>
        tenantId === conversation.tenantId && id === conversation.id
          ? messages.filter((message) => message.seq > after)
          : [],
    },
    handoff,
    config: { ...DEFAULT_SUPPORT_CONFIG, historyMessages },
    now: () => clock,
    newId: () => `${(ids += 1)}`.padStart(8, '0'),
  };
  return { deps, conversation, handoff, tickets, tick: (ms: number) => (clock = new Date(clock.getTime() + ms)) };
};

const request = { reason: 'My sync fails', priority: 'high', category: 'technical' } as const;
const admin = (tenantId = 'tenant-a') => testInvocation({ isAdmin: true, tenantId, userId: 'boss' }).invocation;
const platform = () => testInvocation({ isPlatformAdmin: true, tenantId: 'platform', userId: 'ops' }).invocation;

describe('escalate', () => {
  it("opens a ticket with the last messages of the caller's conversation and publishes its hand-off", async () => {
    const { deps, conversation, handoff } = setup(NOON_NY);
    const { invocation } = testInvocation();

    const result = await escalate(deps, invocation, { ...request, conversationId: conversation.id });

    expect(result).toEqual({
      ticketId: '20261202170000000-00000001',
      queuePosition: 1,
      estimatedWaitTime: 10,
      agentAvailability: true,
      escalationDetails: {
        department: 'technical_support',
        skillsRequired: ['integrations', 'troubleshooting'],
        context: { conversationId: conversation.id, messagesIncluded: 3 },
      },
      followUp: 'A technical_support agent will pick this up; you are number 1 in the queue.',
    });
    const ticket = await deps.tickets.get('tenant-a', result.ticketId, NOON_NY);
    // Slot 6 is past the turn counter: a failed turn's message, not part of the conversation.
    expect(ticket?.history.map((each) => each.content)).toEqual([
      'Message number 3',
      'Message number 4',
      'Message number 5',
    ]);
    expect(ticket).toMatchObject({ userId: 'user-1', status: 'open', priority: 'high', reason: 'My sync fails' });
    expect(handoff.published).toEqual([
      expect.objectContaining({
        tenantId: 'tenant-a',
        conversationId: conversation.id,
        ticketId: result.ticketId,
        reason: 'escalate',
        topic: conversation.topic,
        lastUserMessage: 'Message number 4',
        summary: 'My sync fails',
      }),
    ]);
  });

  it('opens a ticket without a conversation, filing an unknown category under the fallback', async () => {
    const { deps, handoff } = setup(NOON_NY);

    const result = await escalate(deps, testInvocation().invocation, { ...request, category: 'horoscopes' });

    expect(result.escalationDetails).toEqual({
      department: 'customer_success',
      skillsRequired: ['general_support'],
      context: { messagesIncluded: 0 },
    });
    expect(handoff.published[0]).toMatchObject({ conversationId: '', topic: 'general', phase: 'escalation' });
  });

  it('carries no history when the configuration keeps none', async () => {
    const { deps, conversation } = setup(NOON_NY, 0);

    const result = await escalate(deps, testInvocation().invocation, { ...request, conversationId: conversation.id });

    expect(result.escalationDetails.context.messagesIncluded).toBe(0);
  });

  it('queues later tickets behind earlier open ones of the department, urgent ones first, longer outside hours', async () => {
    const { deps, tick } = setup(EVENING_NY);
    const { invocation } = testInvocation();

    await escalate(deps, invocation, request);
    tick(1000);
    const second = await escalate(deps, testInvocation({ tenantId: 'tenant-b' }).invocation, request);
    tick(1000);
    const urgent = await escalate(deps, invocation, { ...request, priority: 'urgent' });
    tick(1000);
    const low = await escalate(deps, invocation, { ...request, priority: 'low' });
    tick(1000);
    const billing = await escalate(deps, invocation, { ...request, category: 'billing' });

    expect(second.queuePosition).toBe(2);
    expect(second.agentAvailability).toBe(false);
    // 15 h until Thursday 09:00, then 2 x 10 minutes x 1.5.
    expect(second.estimatedWaitTime).toBe(15 * 60 + 30);
    expect(second.followUp).toContain('offline now (America/New_York business hours)');
    expect(urgent.queuePosition).toBe(1);
    expect(low.queuePosition).toBe(4);
    expect(billing.queuePosition).toBe(1);
  });

  it("refuses another user's or another tenant's conversation as not found, opening nothing", async () => {
    const { deps, conversation, handoff } = setup(NOON_NY);

    await expect(
      escalate(deps, testInvocation({ userId: 'user-2' }).invocation, { ...request, conversationId: conversation.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      escalate(deps, testInvocation({ tenantId: 'tenant-b' }).invocation, {
        ...request,
        conversationId: conversation.id,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(handoff.published).toEqual([]);
  });

  it('keeps the ticket and answers when the hand-off event cannot be published, logging it', async () => {
    const { deps, handoff } = setup(NOON_NY);
    const { log, lines } = recordingLog();
    jest.spyOn(handoff, 'publish').mockRejectedValueOnce(new Error('bus unreachable'));

    const result = await escalate(deps, testInvocation({ log }).invocation, request);

    expect(await deps.tickets.get('tenant-a', result.ticketId, NOON_NY)).toBeDefined();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'hand-off event not published; the ticket is open',
        fields: expect.objectContaining({ ticketId: result.ticketId }),
      }),
    );
  });

  it('answers 409 when the ticket id is taken, publishing nothing', async () => {
    const { deps, handoff } = setup(NOON_NY);
    const fixed = { ...deps, newId: () => 'same-id-' };

    await escalate(fixed, testInvocation().invocation, request);

    await expect(escalate(fixed, testInvocation().invocation, request)).rejects.toMatchObject({ code: 'conflict' });
    expect(handoff.published).toHaveLength(1);
  });
});

describe('handOffConversation', () => {
  it.each([
    ['escalate', 'high', 'asked for a person'],
    ['low_confidence', 'normal', 'could not tell what the owner meant'],
  ] as const)('files a %s hand-off as a %s coaching ticket with the history', async (reason, priority, words) => {
    const { deps, conversation, handoff } = setup(NOON_NY);

    const { ticketId } = await handOffConversation(deps, testInvocation().invocation, {
      conversation,
      reason,
      lastUserMessage: 'Message number 4',
    });

    const ticket = await deps.tickets.get('tenant-a', ticketId, NOON_NY);
    expect(ticket).toMatchObject({ priority, category: 'coaching', department: 'coaching' });
    expect(ticket?.reason).toContain(words);
    expect(ticket?.history).toHaveLength(3);
    expect(handoff.published).toEqual([
      expect.objectContaining({ ticketId, reason, conversationId: conversation.id, summary: conversation.summary }),
    ]);
  });
});

describe('the admin ticket desk', () => {
  it("lists the tenant's own tickets newest first, by status, and a platform admin's named tenant", async () => {
    const { deps, tick } = setup(NOON_NY);
    const first = await escalate(deps, testInvocation().invocation, request);
    tick(1000);
    const second = await escalate(deps, testInvocation().invocation, request);
    await escalate(deps, testInvocation({ tenantId: 'tenant-b' }).invocation, request);
    await moveTicket(deps, admin(), undefined, first.ticketId, 'resolved');

    const all = await listTickets(deps, admin(), { pageSize: 20 });
    const resolved = await listTickets(deps, admin(), { pageSize: 20, status: 'resolved' });
    const named = await listTickets(deps, platform(), { pageSize: 20, tenantId: 'tenant-a' });
    const own = await listTickets(deps, platform(), { pageSize: 20 });

    expect(all.items.map((ticket) => ticket.ticketId)).toEqual([second.ticketId, first.ticketId]);
    expect(all.pageSize).toBe(20);
    expect(resolved.items.map((ticket) => ticket.ticketId)).toEqual([first.ticketId]);
    expect(named.items).toEqual(all.items);
    expect(own.items).toEqual([]);
  });

  it("refuses users, and a tenant's admin naming another tenant", async () => {
    const { deps } = setup(NOON_NY);

    await expect(listTickets(deps, testInvocation().invocation, { pageSize: 5 })).rejects.toMatchObject({
      code: 'forbidden',
      message: 'This operation is for administrators only',
    });
    await expect(listTickets(deps, admin('tenant-b'), { pageSize: 5, tenantId: 'tenant-a' })).rejects.toMatchObject({
      code: 'forbidden',
      message: "A tenant's administrator may only act on their own tenant",
    });
  });

  it("reads one ticket of the tenant, and answers 404 for another tenant's", async () => {
    const { deps } = setup(NOON_NY);
    const { ticketId } = await escalate(deps, testInvocation().invocation, request);

    expect((await getTicket(deps, admin(), undefined, ticketId)).ticketId).toBe(ticketId);
    expect((await getTicket(deps, platform(), 'tenant-a', ticketId)).ticketId).toBe(ticketId);
    await expect(getTicket(deps, admin('tenant-b'), undefined, ticketId)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('moves a ticket legally, refuses illegal moves with 409 and other tenants with 404', async () => {
    const { deps, tick } = setup(NOON_NY);
    const { ticketId } = await escalate(deps, testInvocation().invocation, request);
    tick(60_000);

    const moved = await moveTicket(deps, admin(), undefined, ticketId, 'in_progress');

    expect(moved).toMatchObject({ status: 'in_progress', updatedAt: '2026-12-02T17:01:00.000Z' });
    expect((await moveTicket(deps, admin(), undefined, ticketId, 'closed')).status).toBe('closed');
    await expect(moveTicket(deps, admin(), undefined, ticketId, 'open')).rejects.toMatchObject({
      code: 'conflict',
      message: 'A closed ticket cannot become open.',
    });
    await expect(moveTicket(deps, admin('tenant-b'), undefined, ticketId, 'open')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("lets a platform admin move any tenant's ticket, and answers 409 when it changed meanwhile", async () => {
    const { deps, tickets } = setup(NOON_NY);
    const { ticketId } = await escalate(deps, testInvocation().invocation, request);
    jest.spyOn(tickets, 'moveStatus').mockResolvedValueOnce(false);

    await expect(moveTicket(deps, platform(), 'tenant-a', ticketId, 'resolved')).rejects.toMatchObject({
      code: 'conflict',
      message: 'The ticket changed meanwhile; reload it and try again.',
    });
    expect((await moveTicket(deps, platform(), 'tenant-a', ticketId, 'in_progress')).status).toBe('in_progress');
  });
});
