import { conversations } from '../routes';
import { streamRoute } from '../../shared/http/stream-route';
import { conversationService } from '../wiring';

const service = conversationService();

/**
 * POST /conversations/{id}/messages/stream (a response-streaming Function URL): `delta` events with the reply's
 * text as the coach writes it, then the `turn` event with the whole structured turn.
 */
export const handler = streamRoute(
  conversations.routes.streamConversationReply,
  'turn',
  async ({ params, body, invocation, send }) =>
    service.reply(invocation, params.id, body.message, (text) => send('delta', { text })),
);
