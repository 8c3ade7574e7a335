import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/complete — extracts the outcome. */
export const handler = jsonRoute(conversations.routes.completeConversation, async ({ params, invocation }) => ({
  body: await service.complete(invocation, params.id),
}));
