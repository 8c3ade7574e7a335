import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** POST /admin/prompts/{topic}/versions — 201 when created, 200 when the same content was already published. */
export const handler = httpRoute(routes.publishPromptVersion, async ({ params, query, body, ctx }) => {
  const result = await registry.publish(params.topic, body, ctx.caller.userId, query.label);
  return { statusCode: result.created ? 201 : 200, body: result };
});
