import { randomUUID } from 'node:crypto';
import type { ConversationHandoff, HandoffDesk, HandoffEvent, HandoffPublisher } from '../conversations/handoff';
import type { Conversation } from '../conversations/model';
import { upToTurn, type ConversationStore } from '../conversations/store';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors';
import type { Invocation } from '../shared/invocation';
import {
  canMove,
  estimateWaitMinutes,
  insideBusinessHours,
  routeCategory,
  type Priority,
  type SupportConfig,
  type Ticket,
  type TicketMessage,
  type TicketStatus,
} from './model';
import type { TicketListQuery, TicketPage, TicketStore } from './store';

/** What the support use cases need. */
export interface SupportDeps {
  readonly tickets: TicketStore;
  readonly conversations: Pick<ConversationStore, 'get' | 'messages'>;
  readonly handoff: HandoffPublisher;
  readonly config: SupportConfig;
  readonly now: () => Date;
  readonly newId?: () => string;
}

/** A request for a human. */
export interface EscalationRequest {
  readonly conversationId?: string;
  readonly reason: string;
  readonly priority: Priority;
  readonly category: string;
}

/** What an escalation answers. */
export interface Escalation {
  readonly ticketId: string;
  readonly estimatedWaitTime: number;
  readonly queuePosition: number;
  readonly agentAvailability: boolean;
  readonly escalationDetails: {
    readonly department: string;
    readonly skillsRequired: readonly string[];
    readonly context: { readonly conversationId?: string; readonly messagesIncluded: number };
  };
  readonly followUp: string;
}

const DAY_MS = 86_400_000;

/** The conversation fields a ticket and its event take. */
type TicketedConversation = ConversationHandoff['conversation'];

/** The last `historyMessages` messages of a conversation (those its turn counter covers), as an agent reads them. */
const recentHistory = async (deps: SupportDeps, conversation: TicketedConversation): Promise<TicketMessage[]> => {
  const keep = deps.config.historyMessages;
  if (keep === 0) return [];
  const after = Math.max(0, conversation.turn - keep);
  const messages = upToTurn(
    await deps.conversations.messages(conversation.tenantId, conversation.id, after),
    conversation,
  );
  return messages.slice(-keep).map((message) => ({ role: message.role, content: message.text, at: message.createdAt }));
};

/** The caller's own conversation; NotFound for another user's or another tenant's. */
const ownConversation = async (invocation: Invocation, deps: SupportDeps, id: string): Promise<Conversation> => {
  const { tenantId, userId } = invocation.caller;
  const stored = await deps.conversations.get(tenantId, id);
  if (!stored || stored.conversation.userId !== userId) throw new NotFoundError('No such conversation.');
  return stored.conversation;
};

/** What a new ticket is opened with, beyond what the caller and the clock give. */
interface TicketRequest extends EscalationRequest {
  readonly history: readonly TicketMessage[];
  /** The event's fields that describe what is handed off. */
  readonly event: Pick<HandoffEvent, 'topic' | 'phase' | 'reason' | 'lastUserMessage' | 'summary'>;
}

/** A stored ticket, how many open tickets are ahead of it in its queue, and when it was opened. */
interface OpenedTicket {
  readonly ticket: Ticket;
  readonly ahead: number;
  readonly now: Date;
}

/**
 * Opens a ticket for the caller in its category's department, counts the open tickets ahead of it in that queue, and
 * publishes the HumanHandoffRequested event naming it (an event that cannot be published is logged: the ticket stands).
 */
const openTicket = async (deps: SupportDeps, invocation: Invocation, request: TicketRequest): Promise<OpenedTicket> => {
  const now = deps.now();
  const { tenantId, userId } = invocation.caller;
  const route = routeCategory(deps.config, request.category);
  const at = now.toISOString();
  const ticket: Ticket = {
    tenantId,
    ticketId: `${at.replace(/[-:.TZ]/g, '')}-${(deps.newId ?? randomUUID)().slice(0, 8)}`,
    userId,
    reason: request.reason,
    priority: request.priority,
    category: route.category,
    status: 'open',
    department: route.department,
    skillsRequired: [...route.skills],
    ...(request.conversationId ? { conversationId: request.conversationId } : {}),
    history: [...request.history],
    createdAt: at,
    updatedAt: at,
  };
  if (!(await deps.tickets.create(ticket, new Date(now.getTime() + deps.config.ticketTtlDays * DAY_MS))))
    throw new ConflictError('A ticket with this id exists; try again.');
  const ahead = await deps.tickets.queueAhead(ticket);
  try {
    await deps.handoff.publish({
      tenantId,
      userId,
      conversationId: request.conversationId ?? '',
      ...request.event,
      at,
      ticketId: ticket.ticketId,
    });
  } catch (error) {
    // The ticket is stored and queued (the desk lists it); a retry would only open a second one.
    invocation.log.error('hand-off event not published; the ticket is open', {
      error: error as Error,
      ticketId: ticket.ticketId,
    });
  }
  return { ticket, ahead, now };
};

/**
 * Opens a ticket for the caller (with the last messages of their own conversation, when they name one), places it in
 * its department's queue (more urgent tickets first, then older ones), estimates the wait from the queue and the
 * business hours, and publishes a HumanHandoffRequested event naming the ticket.
 */
export const escalate = async (
  deps: SupportDeps,
  invocation: Invocation,
  request: EscalationRequest,
): Promise<Escalation> => {
  const conversation = request.conversationId
    ? await ownConversation(invocation, deps, request.conversationId)
    : undefined;
  const history = conversation ? await recentHistory(deps, conversation) : [];
  const category = routeCategory(deps.config, request.category).category;
  const { ticket, ahead, now } = await openTicket(deps, invocation, {
    ...request,
    history,
    event: {
      topic: conversation?.topic ?? category,
      phase: conversation?.phase ?? 'escalation',
      reason: 'escalate',
      lastUserMessage: [...history].reverse().find((message) => message.role === 'user')?.content ?? '',
      summary: request.reason,
    },
  });
  const available = insideBusinessHours(deps.config, now);
  return {
    ticketId: ticket.ticketId,
    estimatedWaitTime: estimateWaitMinutes(deps.config, ahead, now),
    queuePosition: ahead + 1,
    agentAvailability: available,
    escalationDetails: {
      department: ticket.department,
      skillsRequired: ticket.skillsRequired,
      context: {
        ...(request.conversationId ? { conversationId: request.conversationId } : {}),
        messagesIncluded: ticket.history.length,
      },
    },
    followUp: available
      ? `A ${ticket.department} agent will pick this up; you are number ${ahead + 1} in the queue.`
      : `Our team is offline now (${deps.config.businessHours.timeZone} business hours); an agent will reply when they open.`,
  };
};

/** The category a coaching conversation's hand-off is filed under. */
export const CONVERSATION_HANDOFF_CATEGORY = 'coaching';

/**
 * A coaching conversation's hand-off (the owner asked for a person, or the coach misread them repeatedly): a ticket
 * in the coaching category with the conversation's recent history (an explicit request is `high`, a misreading
 * `normal`), and the HumanHandoffRequested event with the conversation's context and the ticket's id.
 */
export const handOffConversation = async (
  deps: SupportDeps,
  invocation: Invocation,
  { conversation, reason, lastUserMessage }: ConversationHandoff,
): Promise<{ ticketId: string }> => {
  const { ticket } = await openTicket(deps, invocation, {
    conversationId: conversation.id,
    reason:
      reason === 'escalate'
        ? `The owner asked for a person in a ${conversation.topic} coaching session.`
        : `The coach could not tell what the owner meant, repeatedly, in a ${conversation.topic} coaching session.`,
    priority: reason === 'escalate' ? 'high' : 'normal',
    category: CONVERSATION_HANDOFF_CATEGORY,
    history: await recentHistory(deps, conversation),
    event: {
      topic: conversation.topic,
      phase: conversation.phase,
      reason,
      lastUserMessage,
      summary: conversation.summary,
    },
  });
  return { ticketId: ticket.ticketId };
};

/** The support desk on these adapters, as the conversations' turn engine hands off to it. */
export const supportDesk = (deps: SupportDeps): HandoffDesk => ({
  handOff: (invocation, handoff) => handOffConversation(deps, invocation, handoff),
});

/**
 * The tenant whose tickets an admin may read or change: their own unless named; a platform admin names any (the
 * route's access rule refuses the rest first, with the same answer).
 */
export const adminTenant = (invocation: Invocation, tenantId: string | undefined): string => {
  const { caller } = invocation;
  if (!caller.isAdmin && !caller.isPlatformAdmin) throw new ForbiddenError('This operation is for administrators only');
  if (tenantId === undefined || tenantId === caller.tenantId) return caller.tenantId;
  if (!caller.isPlatformAdmin) throw new ForbiddenError("A tenant's administrator may only act on their own tenant");
  return tenantId;
};

/** A page of a tenant's tickets, newest first, optionally of one status. */
export const listTickets = async (
  deps: SupportDeps,
  invocation: Invocation,
  query: TicketListQuery & { readonly tenantId?: string },
): Promise<TicketPage & { readonly pageSize: number }> => {
  const { tenantId, ...page } = query;
  const listed = await deps.tickets.list(adminTenant(invocation, tenantId), page, deps.now());
  return { ...listed, pageSize: query.pageSize };
};

/** One of a tenant's tickets (404 when it is not that tenant's, or has expired). */
export const getTicket = async (
  deps: SupportDeps,
  invocation: Invocation,
  tenantId: string | undefined,
  ticketId: string,
): Promise<Ticket> => {
  const ticket = await deps.tickets.get(adminTenant(invocation, tenantId), ticketId, deps.now());
  if (!ticket) throw new NotFoundError('No such ticket.');
  return ticket;
};

/** Moves a ticket's status if the move is legal (409 otherwise, and when it changed meanwhile). */
export const moveTicket = async (
  deps: SupportDeps,
  invocation: Invocation,
  tenantId: string | undefined,
  ticketId: string,
  to: TicketStatus,
): Promise<Ticket> => {
  const ticket = await getTicket(deps, invocation, tenantId, ticketId);
  if (!canMove(ticket.status, to)) throw new ConflictError(`A ${ticket.status} ticket cannot become ${to}.`);
  const at = deps.now().toISOString();
  if (!(await deps.tickets.moveStatus(ticket.tenantId, ticketId, ticket.status, to, at)))
    throw new ConflictError('The ticket changed meanwhile; reload it and try again.');
  return { ...ticket, status: to, updatedAt: at };
};
