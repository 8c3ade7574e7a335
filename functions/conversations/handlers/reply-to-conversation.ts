import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationRequests, conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/messages — the coach's turn (once per Idempotency-Key). */
export const handler = jsonRoute(
  conversations.routes.replyToConversation,
  async ({ params, body, invocation }) => ({ body: await service.reply(invocation, params.id, body.message) }),
  { idempotency: conversationRequests },
);
