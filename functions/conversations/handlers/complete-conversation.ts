import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/complete — extracts the outcome. */
export const handler = httpRoute(routes.completeConversation, async ({ params, ctx }) => ({
  body: await service.complete(ctx, params.id),
}));
