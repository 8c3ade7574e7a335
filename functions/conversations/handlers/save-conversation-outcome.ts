import { conversations } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { conversationService } from '../wiring';

const service = conversationService();

/** PUT /conversations/{id}/outcome — accept, or edit, the outcome. */
export const handler = jsonRoute(
  conversations.routes.saveConversationOutcome,
  async ({ params, body, invocation }) => ({
    body: { conversation: await service.saveOutcome(invocation, params.id, body) },
  }),
);
