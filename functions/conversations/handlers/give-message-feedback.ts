import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/messages/{messageId}/feedback */
export const handler = httpRoute(routes.giveMessageFeedback, async ({ params, body, ctx }) => {
  await service.feedback(ctx, params.id, params.messageId, body);
  return { statusCode: 204 };
});
