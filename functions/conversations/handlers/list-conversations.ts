import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** GET /conversations */
export const handler = httpRoute(routes.listConversations, async ({ query, ctx }) => ({
  body: await service.list(ctx, query),
}));
