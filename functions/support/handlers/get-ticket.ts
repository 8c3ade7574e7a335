import { jsonRoute } from '../../shared/http/pipeline';
import { support } from '../routes';
import { getTicket } from '../service';
import { supportDeps } from '../wiring';

const deps = supportDeps();

/** GET /admin/tickets/{id} */
export const handler = jsonRoute(support.routes.getTicket, async ({ params, query, invocation }) => ({
  body: await getTicket(deps, invocation, query.tenantId, params.id),
}));
