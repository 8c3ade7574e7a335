import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/resume — with a short recap. */
export const handler = jsonRoute(conversations.routes.resumeConversation, async ({ params, invocation }) => ({
  body: await service.resume(invocation, params.id),
}));
