import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** DELETE /conversations/{id} */
export const handler = jsonRoute(conversations.routes.deleteConversation, async ({ params, invocation }) => {
  await service.remove(invocation, params.id);
  return { statusCode: 204 };
});
