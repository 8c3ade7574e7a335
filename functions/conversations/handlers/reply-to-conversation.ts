import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations/{id}/messages — the coach's turn. */
export const handler = httpRoute(routes.replyToConversation, async ({ params, body, ctx }) => ({
  body: await service.reply(ctx, params.id, body.message),
}));
