import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** POST /admin/prompts/{topic}/labels/{label} */
export const handler = httpRoute(routes.movePromptLabel, async ({ params, body, ctx }) => ({
  body: { label: await registry.moveLabel(params.topic, params.label, body.version, ctx.caller.userId) },
}));
