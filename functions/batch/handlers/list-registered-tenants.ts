import { batch } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { tenantRegistry } from '../wiring';

const registry = tenantRegistry();

/** GET /admin/batch/tenants — the tenants the nightly run covers, a page at a time. */
export const handler = jsonRoute(batch.routes.listRegisteredTenants, async ({ query }) => ({
  body: await registry.list(query.limit, query.cursor),
}));
