import { jsonRoute } from '../../shared/http/pipeline';
import { support } from '../routes';
import { listTickets } from '../service';
import { supportDeps } from '../wiring';

const deps = supportDeps();

/** GET /admin/tickets */
export const handler = jsonRoute(support.routes.listTickets, async ({ query, invocation }) => ({
  body: await listTickets(deps, invocation, query),
}));
