import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts */
export const handler = jsonRoute(promptAdmin.routes.listPromptTopics, async () => ({
  body: { topics: await registry.topics() },
}));
