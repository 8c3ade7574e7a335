import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts/{topic}/diff?from=&to= */
export const handler = jsonRoute(promptAdmin.routes.diffPromptVersions, async ({ params, query }) => ({
  body: await registry.diff(params.topic, query.from, query.to),
}));
