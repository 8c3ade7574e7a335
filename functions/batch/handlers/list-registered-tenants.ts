import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { tenantRegistry } from '../wiring';

const registry = tenantRegistry();

/** GET /admin/batch/tenants — the tenants the nightly run covers, a page at a time. */
export const handler = httpRoute(routes.listRegisteredTenants, async ({ query }) => ({
  body: await registry.list(query.limit, query.cursor),
}));
