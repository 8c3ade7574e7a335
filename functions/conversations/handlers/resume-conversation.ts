import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/resume — with a short recap. */
export const handler = httpRoute(routes.resumeConversation, async ({ params, ctx }) => ({
  body: await service.resume(ctx, params.id),
}));
