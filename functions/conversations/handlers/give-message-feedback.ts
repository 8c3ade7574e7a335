import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/messages/{messageId}/feedback */
export const handler = jsonRoute(conversations.routes.giveMessageFeedback, async ({ params, body, invocation }) => {
  await service.feedback(invocation, params.id, params.messageId, body);
  return { statusCode: 204 };
});
