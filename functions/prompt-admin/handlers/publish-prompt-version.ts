import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/** POST /admin/prompts/{topic}/versions — 201 when created, 200 when the same content was already published. */
export const handler = jsonRoute(
  promptAdmin.routes.publishPromptVersion,
  async ({ params, query, body, invocation }) => {
    const result = await registry.publish(params.topic, body, invocation.caller.userId, query.label);
    return { statusCode: result.created ? 201 : 200, body: result };
  },
);
