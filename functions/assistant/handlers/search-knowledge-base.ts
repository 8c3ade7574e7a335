import { assistant } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { assistantService } from '../wiring';

const service = assistantService();

/** POST /ai/knowledge-base/search */
export const handler = jsonRoute(assistant.routes.searchKnowledgeBase, async ({ body, invocation }) => ({
  body: await service.searchKnowledgeBase(invocation, body),
}));
