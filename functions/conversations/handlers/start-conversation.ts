import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationRequests, conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations — the conversation and the coach's opening message (once per Idempotency-Key). */
export const handler = jsonRoute(
  conversations.routes.startConversation,
  async ({ body, invocation }) => ({ statusCode: 201, body: await service.start(invocation, body.topic) }),
  { idempotency: conversationRequests },
);
