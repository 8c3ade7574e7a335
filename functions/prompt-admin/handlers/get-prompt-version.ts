import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts/{topic}/versions/{version} — a label name stands for the version it points at. */
export const handler = jsonRoute(promptAdmin.routes.getPromptVersion, async ({ params }) => ({
  body: await registry.version(params.topic, await registry.resolve(params.topic, params.version)),
}));
