import { routes } from '../../routes';
import { sseRoute } from '../../shared/http/stream';
import { conversationService } from '../wiring';

const service = conversationService();

/**
 * POST /conversations/{id}/messages/stream (a response-streaming Function URL): `delta` events with the reply's
 * text as the coach writes it, then the `turn` event with the whole structured turn.
 */
export const { sse, streamHandler } = sseRoute(routes.streamConversationReply, async ({ params, body, ctx, send }) =>
  service.reply(ctx, params.id, body.message, (text) => send('delta', { text })),
);
