import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** GET /conversations/{id} — with a page of its messages. */
export const handler = httpRoute(routes.getConversation, async ({ params, query, ctx }) => ({
  body: await service.get(ctx, params.id, query),
}));
