import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** GET /admin/prompts/{topic}/versions */
export const handler = jsonRoute(promptAdmin.routes.listPromptVersions, async ({ params }) => ({
  body: await registry.versions(params.topic),
}));
