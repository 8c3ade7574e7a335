import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { conversationService } from '../wiring';

const service = conversationService();

/** PUT /conversations/{id}/outcome — accept, or edit, the outcome. */
export const handler = httpRoute(routes.saveConversationOutcome, async ({ params, body, ctx }) => ({
  body: { conversation: await service.saveOutcome(ctx, params.id, body) },
}));
