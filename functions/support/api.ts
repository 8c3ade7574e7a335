import { pageFields, pagedQuery } from '../shared/pagination';
import * as z from '../shared/zod';
import { tenantIdSchema } from '../usage/model';
import { PRIORITIES, STATUSES, ticketSchema } from './model';

/** A ticket's id: its creation time (UTC, to the millisecond, digits only) and 8 hex digits. */
export const ticketIdSchema = z.string().check(z.regex(/^\d{17}-[0-9a-f]{8}$/, 'is not a ticket id'));

/**
 * Body of `POST /ai/escalate`. The category picks the department and skills from SUPPORT_CONFIG; one it does not name
 * goes to the fallback category's department (the answer says which).
 */
export const escalationRequestSchema = z.strictObject({
  conversationId: z.optional(z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'is not a conversation id'))),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
  priority: z.enum(PRIORITIES),
  category: z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,39}$/, 'is not a category name (lower case, 1 to 40)')),
});

/** Response of `POST /ai/escalate`: the ticket, where it stands in its department's queue, and who will take it. */
export const escalationSchema = z.object({
  ticketId: z.string(),
  /** Minutes, estimated from the queue ahead and the business hours. */
  estimatedWaitTime: z.number().check(z.int()),
  /** 1 = next: the open tickets ahead in the same department (more urgent ones first, then older ones), plus one. */
  queuePosition: z.number().check(z.int()),
  /** Inside the business hours (agents at work) now. */
  agentAvailability: z.boolean(),
  escalationDetails: z.object({
    department: z.string(),
    skillsRequired: z.array(z.string()),
    context: z.object({
      conversationId: z.optional(z.string()),
      /** Messages of the conversation the ticket carries for the agent. */
      messagesIncluded: z.number().check(z.int()),
    }),
  }),
  followUp: z.string(),
});

/** Path of the per-ticket routes. */
export const ticketParamsSchema = z.object({ id: ticketIdSchema });

/** The tenant an admin names (platform admins any; absent: the token's own). */
const tenantQuery = { tenantId: z.optional(tenantIdSchema) };

/** Query of `GET /admin/tickets`: the tenant, a status, then the pagination every list shares. */
export const listTicketsQuerySchema = pagedQuery({ ...tenantQuery, status: z.optional(z.enum(STATUSES)) }, 20);

/** Query of the per-ticket admin routes. */
export const ticketQuerySchema = z.strictObject(tenantQuery);

/** Response of `GET /admin/tickets`: newest first. */
export const ticketPageSchema = z.object({ items: z.array(ticketSchema), ...pageFields });

/** Body of `PATCH /admin/tickets/{id}`. */
export const ticketMoveSchema = z.strictObject({ status: z.enum(STATUSES) });
