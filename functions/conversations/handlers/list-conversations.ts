import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** GET /conversations */
export const handler = jsonRoute(conversations.routes.listConversations, async ({ query, invocation }) => ({
  body: await service.list(invocation, query),
}));
