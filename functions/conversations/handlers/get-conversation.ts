import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** GET /conversations/{id} — with a page of its messages. */
export const handler = jsonRoute(conversations.routes.getConversation, async ({ params, query, invocation }) => ({
  body: await service.get(invocation, params.id, query),
}));
