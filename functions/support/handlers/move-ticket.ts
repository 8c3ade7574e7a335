import { jsonRoute } from '../../shared/http/pipeline';
import { support } from '../routes';
import { moveTicket } from '../service';
import { supportDeps } from '../wiring';

const deps = supportDeps();

/** PATCH /admin/tickets/{id} */
export const handler = jsonRoute(support.routes.moveTicket, async ({ params, query, body, invocation }) => ({
  body: await moveTicket(deps, invocation, query.tenantId, params.id, body.status),
}));
