import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** DELETE /conversations/{id} */
export const handler = httpRoute(routes.deleteConversation, async ({ params, ctx }) => {
  await service.remove(ctx, params.id);
  return { statusCode: 204 };
});
