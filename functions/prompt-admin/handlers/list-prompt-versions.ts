import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts/{topic}/versions */
export const handler = httpRoute(routes.listPromptVersions, async ({ params }) => ({
  body: await registry.versions(params.topic),
}));
