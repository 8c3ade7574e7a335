import { batch } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { tenantRegistry } from '../wiring';

const registry = tenantRegistry();

/** PUT /admin/batch/tenants/{id} — adds a tenant to the nightly run (kept until removed). */
export const handler = jsonRoute(batch.routes.registerTenant, async ({ params, invocation }) => ({
  body: await registry.add(params.id, invocation.caller.userId, new Date()),
}));
