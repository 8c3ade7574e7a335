import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts */
export const handler = httpRoute(routes.listPromptTopics, async () => ({ body: { topics: await registry.topics() } }));
