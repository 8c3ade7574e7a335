import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/pause */
export const handler = httpRoute(routes.pauseConversation, async ({ params, ctx }) => ({
  body: { conversation: await service.pause(ctx, params.id) },
}));
