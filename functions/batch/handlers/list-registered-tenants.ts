import { batch } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { tenantRegistry } from '../wiring';

const registry = tenantRegistry();

/** GET /admin/batch/tenants — the tenants the nightly run covers, a page at a time. */
export const handler = jsonRoute(batch.routes.listRegisteredTenants, async ({ query }) => {
  const { entries, cursor } = await registry.list(query.pageSize, query.cursor);
  return { body: { items: entries, pageSize: query.pageSize, ...(cursor ? { cursor } : {}) } };
});
