import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** POST /admin/prompts/{topic}/rollback */
export const handler = httpRoute(routes.rollbackPrompt, async ({ params, ctx }) => ({
  body: { label: await registry.rollback(params.topic, ctx.caller.userId) },
}));
