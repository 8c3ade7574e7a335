import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** POST /admin/prompts/{topic}/rollback */
export const handler = jsonRoute(promptAdmin.routes.rollbackPrompt, async ({ params, invocation }) => ({
  body: { label: await registry.rollback(params.topic, invocation.caller.userId) },
}));
