import { defineCapability, defineRoute } from '../shared/http/route';
import {
  escalationRequestSchema,
  escalationSchema,
  listTicketsQuerySchema,
  ticketMoveSchema,
  ticketPageSchema,
  ticketParamsSchema,
  ticketQuerySchema,
} from './api';
import { supportEnv } from './config';
import { ticketSchema } from './model';
import { ticketsTable } from './tables';

/** The admin ticket routes read (or move) tickets only. */
const readsTickets = { tables: { tickets: 'read' } } as const;

/** The support capability: escalation to a human (a ticket in a department's queue) and the admins' ticket desk. */
export const support = defineCapability({
  env: supportEnv,
  tables: { tickets: ticketsTable },
  routes: {
    escalate: defineRoute({
      method: 'POST',
      path: '/ai/escalate',
      handler: 'functions/support/handlers/escalate.ts',
      auth: 'user',
      summary:
        'Ask for a human: opens a ticket (with the last messages of the caller’s own conversation, when named) in ' +
        'the department its category routes to (SUPPORT_CONFIG; an unknown category goes to the fallback one), ' +
        'answers its queue position (open tickets ahead in the department, more urgent first, then older), the wait ' +
        'estimated from the queue and the business hours, and publishes a HumanHandoffRequested event naming it',
      tag: 'support',
      body: escalationRequestSchema,
      response: { status: 201, schema: escalationSchema },
      errors: ['not_found', 'conflict'],
      grants: { tables: { tickets: 'readWrite', conversations: 'read' }, handoffEvents: true },
    }),
    listTickets: defineRoute({
      method: 'GET',
      path: '/admin/tickets',
      handler: 'functions/support/handlers/list-tickets.ts',
      auth: 'admin',
      tenantQuery: 'tenantId',
      summary: "A tenant's support tickets, newest first, optionally of one status; paginated by cursor",
      tag: 'support',
      query: listTicketsQuerySchema,
      response: { status: 200, schema: ticketPageSchema },
      grants: { ...readsTickets, cursors: true },
    }),
    getTicket: defineRoute({
      method: 'GET',
      path: '/admin/tickets/{id}',
      handler: 'functions/support/handlers/get-ticket.ts',
      auth: 'admin',
      tenantQuery: 'tenantId',
      summary: "One of a tenant's tickets, with the conversation history it carries",
      tag: 'support',
      params: ticketParamsSchema,
      query: ticketQuerySchema,
      response: { status: 200, schema: ticketSchema },
      errors: ['not_found'],
      grants: readsTickets,
    }),
    moveTicket: defineRoute({
      method: 'PATCH',
      path: '/admin/tickets/{id}',
      handler: 'functions/support/handlers/move-ticket.ts',
      auth: 'admin',
      tenantQuery: 'tenantId',
      summary:
        'Move a ticket to another status: open <-> in_progress, either -> resolved or closed, resolved -> open; ' +
        'closed is final (409 for any other move, or when the ticket changed meanwhile)',
      tag: 'support',
      params: ticketParamsSchema,
      query: ticketQuerySchema,
      body: ticketMoveSchema,
      response: { status: 200, schema: ticketSchema },
      errors: ['not_found', 'conflict'],
      grants: { tables: { tickets: 'readWrite' } },
    }),
  },
});
