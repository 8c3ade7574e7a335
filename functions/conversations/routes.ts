import { conversationsEnv } from './config';
import * as z from '../shared/zod';
import { MODEL_CALL_ERRORS } from '../shared/errors';
import { defineCapability, defineRoute } from '../shared/http/route';
import { conversationRequestsTable, conversationsTable } from './tables';
import {
  conversationDetailSchema,
  conversationListSchema,
  conversationParamsSchema,
  conversationResponseSchema,
  feedbackSchema,
  listConversationsQuerySchema,
  messageParamsSchema,
  messagesPageQuerySchema,
  outcomeBodySchema,
  replyBodySchema,
  startBodySchema,
  turnResponseSchema,
} from './model';

/** A turn may hand the conversation off: a support ticket (tickets table) and the event on the hand-off bus. */
const takesTurns = {
  tables: { conversations: 'readWrite', usage: 'readWrite', promptIndex: 'read', tickets: 'readWrite' },
  promptsBucket: 'read',
  bedrock: true,
  businessApi: true,
  handoffEvents: true,
} as const;
/** The list routes read the table and page with signed cursors. */
const pages = { tables: { conversations: 'read' }, cursors: true } as const;
/** The turns a client may send again safely with an Idempotency-Key. */
const takesTurnsOnce = {
  ...takesTurns,
  tables: { ...takesTurns.tables, conversationRequests: 'readWrite' },
} as const;
const writes = { tables: { conversations: 'readWrite' } } as const;

/** The conversations capability's rows of the route table: coaching conversations. */
export const conversations = defineCapability({
  env: conversationsEnv,
  tables: { conversations: conversationsTable, conversationRequests: conversationRequestsTable },
  routes: {
    startConversation: defineRoute({
      method: 'POST',
      path: '/conversations',
      handler: 'functions/conversations/handlers/start-conversation.ts',
      auth: 'user',
      summary:
        "Open a coaching session on a topic; answers with the coach's opening message. With an Idempotency-Key, a " +
        'repeat within 24 h answers the first result and opens nothing more',
      tag: 'conversations',
      body: startBodySchema,
      idempotent: true,
      response: { status: 201, schema: turnResponseSchema },
      errors: [...MODEL_CALL_ERRORS, 'upstream_unavailable', 'conflict'],
      grants: takesTurnsOnce,
    }),
    replyToConversation: defineRoute({
      method: 'POST',
      path: '/conversations/{id}/messages',
      handler: 'functions/conversations/handlers/reply-to-conversation.ts',
      auth: 'user',
      summary:
        "Send a message; answers with the coach's structured turn (409 while another reply is in progress). With an " +
        'Idempotency-Key, a repeat within 24 h answers the first result and stores nothing more',
      tag: 'conversations',
      params: conversationParamsSchema,
      body: replyBodySchema,
      idempotent: true,
      response: { status: 200, schema: turnResponseSchema },
      errors: [...MODEL_CALL_ERRORS, 'upstream_unavailable', 'not_found', 'conflict'],
      grants: takesTurnsOnce,
    }),
    streamConversationReply: defineRoute({
      method: 'POST',
      path: '/conversations/{id}/messages/stream',
      handler: 'functions/conversations/handlers/stream-conversation-reply.ts',
      auth: 'user',
      transport: 'stream',
      summary: "The coach's turn as Server-Sent Events: `delta` events with the reply's text, then one `turn` event",
      tag: 'conversations',
      params: conversationParamsSchema,
      body: replyBodySchema,
      response: { status: 200, schema: turnResponseSchema },
      errors: [...MODEL_CALL_ERRORS, 'upstream_unavailable', 'not_found', 'conflict'],
      grants: takesTurns,
    }),
    listConversations: defineRoute({
      method: 'GET',
      path: '/conversations',
      handler: 'functions/conversations/handlers/list-conversations.ts',
      auth: 'user',
      summary:
        "A page of the caller's conversations (a tenant admin's: the whole tenant's), newest first; pass the " +
        "answer's `cursor` for the next page (absent on the last). Replaces the `page` parameter and the `page`/" +
        '`total` fields of earlier versions: pages are read from the index, not counted',
      tag: 'conversations',
      query: listConversationsQuerySchema,
      response: { status: 200, schema: conversationListSchema },
      grants: pages,
    }),
    getConversation: defineRoute({
      method: 'GET',
      path: '/conversations/{id}',
      handler: 'functions/conversations/handlers/get-conversation.ts',
      auth: 'user',
      summary:
        "One conversation with a page of its messages, oldest first; pass the answer's `cursor` for the next page " +
        '(absent on the last). Replaces the `page` parameter of earlier versions',
      tag: 'conversations',
      params: conversationParamsSchema,
      query: messagesPageQuerySchema,
      response: { status: 200, schema: conversationDetailSchema },
      errors: ['not_found'],
      grants: pages,
    }),
    pauseConversation: defineRoute({
      method: 'POST',
      path: '/conversations/{id}/pause',
      handler: 'functions/conversations/handlers/pause-conversation.ts',
      auth: 'user',
      summary: 'Pause a conversation; its state is kept',
      tag: 'conversations',
      params: conversationParamsSchema,
      response: { status: 200, schema: conversationResponseSchema },
      errors: ['not_found', 'conflict'],
      grants: writes,
    }),
    resumeConversation: defineRoute({
      method: 'POST',
      path: '/conversations/{id}/resume',
      handler: 'functions/conversations/handlers/resume-conversation.ts',
      auth: 'user',
      summary: 'Resume a paused conversation, with a short recap',
      tag: 'conversations',
      params: conversationParamsSchema,
      response: { status: 200, schema: conversationResponseSchema },
      errors: ['not_found', 'conflict'],
      grants: writes,
    }),
    completeConversation: defineRoute({
      method: 'POST',
      path: '/conversations/{id}/complete',
      handler: 'functions/conversations/handlers/complete-conversation.ts',
      auth: 'user',
      summary: "Complete the session: the outcome is extracted into the topic's schema (422 while not ready)",
      tag: 'conversations',
      params: conversationParamsSchema,
      response: { status: 200, schema: conversationResponseSchema },
      errors: [...MODEL_CALL_ERRORS, 'upstream_unavailable', 'not_found', 'conflict', 'not_ready'],
      grants: takesTurns,
    }),
    saveConversationOutcome: defineRoute({
      method: 'PUT',
      path: '/conversations/{id}/outcome',
      handler: 'functions/conversations/handlers/save-conversation-outcome.ts',
      auth: 'user',
      summary: 'Accept the proposed outcome, or send an edited one',
      tag: 'conversations',
      params: conversationParamsSchema,
      body: outcomeBodySchema,
      response: { status: 200, schema: conversationResponseSchema },
      errors: ['not_found', 'conflict', 'invalid_outcome'],
      grants: writes,
    }),
    giveMessageFeedback: defineRoute({
      method: 'POST',
      path: '/conversations/{id}/messages/{messageId}/feedback',
      handler: 'functions/conversations/handlers/give-message-feedback.ts',
      auth: 'user',
      summary: 'Thumbs up or down, an optional 1-5 rating and comment on a message of the coach',
      tag: 'conversations',
      params: messageParamsSchema,
      body: feedbackSchema,
      response: { status: 204, schema: z.undefined() },
      errors: ['not_found'],
      grants: writes,
    }),
    deleteConversation: defineRoute({
      method: 'DELETE',
      path: '/conversations/{id}',
      handler: 'functions/conversations/handlers/delete-conversation.ts',
      auth: 'user',
      summary: 'Delete a conversation and its messages',
      tag: 'conversations',
      params: conversationParamsSchema,
      response: { status: 204, schema: z.undefined() },
      errors: ['not_found'],
      grants: writes,
    }),
  },
});
