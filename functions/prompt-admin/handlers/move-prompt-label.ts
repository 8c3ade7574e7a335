import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** POST /admin/prompts/{topic}/labels/{label} */
export const handler = jsonRoute(promptAdmin.routes.movePromptLabel, async ({ params, body, invocation }) => ({
  body: { label: await registry.moveLabel(params.topic, params.label, body.version, invocation.caller.userId) },
}));
