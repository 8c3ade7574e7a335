import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts/{topic}/diff?from=&to= */
export const handler = httpRoute(routes.diffPromptVersions, async ({ params, query }) => ({
  body: await registry.diff(params.topic, query.from, query.to),
}));
