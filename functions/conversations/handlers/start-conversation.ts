import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** POST /conversations — the conversation and the coach's opening message. */
export const handler = httpRoute(routes.startConversation, async ({ body, ctx }) => ({
  statusCode: 201,
  body: await service.start(ctx, body.topic),
}));
