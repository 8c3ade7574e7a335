import { randomUUID } from 'node:crypto';
import type { HandoffPublisher } from '../conversations/handoff';
import type { ConversationStore } from '../conversations/store';
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
import type { TicketStore } from './store';

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

/** The last `limit` messages of the caller's own conversation; NotFound for another user's or tenant's. */
const recentHistory = async (
  deps: SupportDeps,
  invocation: Invocation,
  conversationId: string,
): Promise<{ history: TicketMessage[]; lastUserMessage: string; topic: string; phase: string }> => {
  const { tenantId, userId } = invocation.caller;
  const stored = await deps.conversations.get(tenantId, conversationId);
  if (!stored || stored.conversation.userId !== userId) throw new NotFoundError('No such conversation.');
  const messages = await deps.conversations.messages(tenantId, conversationId);
  const recent = messages.slice(Math.max(0, messages.length - deps.config.historyMessages));
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  return {
    history:
      deps.config.historyMessages === 0 ? [] : recent.map((m) => ({ role: m.role, content: m.text, at: m.createdAt })),
    lastUserMessage: lastUser?.text ?? '',
    topic: String(stored.conversation.topic ?? ''),
    phase: String(stored.conversation.phase ?? ''),
  };
};

/**
 * Opens a ticket for the caller, places it in its department's queue, estimates the wait from the queue and the
 * business hours, and publishes a HumanHandoffRequested event naming the ticket.
 */
export const escalate = async (
  deps: SupportDeps,
  invocation: Invocation,
  request: EscalationRequest,
): Promise<Escalation> => {
  const now = deps.now();
  const { tenantId, userId } = invocation.caller;
  const context = request.conversationId ? await recentHistory(deps, invocation, request.conversationId) : undefined;
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
    history: context?.history ?? [],
    createdAt: at,
    updatedAt: at,
  };
  if (!(await deps.tickets.create(ticket, new Date(now.getTime() + deps.config.ticketTtlDays * DAY_MS))))
    throw new ConflictError('A ticket with this id exists; try again.');
  const ahead = await deps.tickets.queueAhead(ticket);
  const available = insideBusinessHours(deps.config, now);
  await deps.handoff.publish({
    tenantId,
    userId,
    conversationId: request.conversationId ?? '',
    topic: context?.topic || route.category,
    phase: context?.phase || 'escalation',
    reason: 'escalate',
    lastUserMessage: context?.lastUserMessage ?? '',
    summary: request.reason,
    at,
    ticketId: ticket.ticketId,
  });
  return {
    ticketId: ticket.ticketId,
    estimatedWaitTime: estimateWaitMinutes(deps.config, ahead, now),
    queuePosition: ahead + 1,
    agentAvailability: available,
    escalationDetails: {
      department: route.department,
      skillsRequired: route.skills,
      context: {
        ...(request.conversationId ? { conversationId: request.conversationId } : {}),
        messagesIncluded: ticket.history.length,
      },
    },
    followUp: available
      ? `A ${route.department} agent will pick this up; you are number ${ahead + 1} in the queue.`
      : `Our team is offline now (${deps.config.businessHours.timeZone} business hours); an agent will reply when they open.`,
  };
};

/** The tenant whose tickets an admin may read or change: their own; a platform admin names any. */
export const adminTenant = (invocation: Invocation, tenantId: string | undefined): string => {
  const { caller } = invocation;
  if (!caller.isAdmin && !caller.isPlatformAdmin) throw new ForbiddenError('Tickets are for admins.');
  if (tenantId === undefined || tenantId === caller.tenantId) return caller.tenantId;
  if (!caller.isPlatformAdmin) throw new NotFoundError('No such tenant.');
  return tenantId;
};

/** Moves a ticket's status if the move is legal (409 otherwise, and when it changed meanwhile). */
export const moveTicket = async (
  deps: SupportDeps,
  invocation: Invocation,
  tenantId: string | undefined,
  ticketId: string,
  to: TicketStatus,
): Promise<Ticket> => {
  const tenant = adminTenant(invocation, tenantId);
  const now = deps.now();
  const ticket = await deps.tickets.get(tenant, ticketId, now);
  if (!ticket) throw new NotFoundError('No such ticket.');
  if (!canMove(ticket.status, to)) throw new ConflictError(`A ${ticket.status} ticket cannot become ${to}.`);
  const at = now.toISOString();
  if (!(await deps.tickets.moveStatus(tenant, ticketId, ticket.status, to, at)))
    throw new ConflictError('The ticket changed meanwhile; reload it and try again.');
  return { ...ticket, status: to, updatedAt: at };
};
