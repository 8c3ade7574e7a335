import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/pause */
export const handler = jsonRoute(conversations.routes.pauseConversation, async ({ params, invocation }) => ({
  body: { conversation: await service.pause(invocation, params.id) },
}));
