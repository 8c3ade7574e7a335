import { jsonRoute } from '../../shared/http/pipeline';
import { support } from '../routes';
import { escalate } from '../service';
import { supportDeps } from '../wiring';

const deps = supportDeps();

/** POST /ai/escalate: a ticket for a human, and where it stands in the queue. */
export const handler = jsonRoute(support.routes.escalate, async ({ body, invocation }) => ({
  statusCode: 201,
  body: await escalate(deps, invocation, body),
}));
