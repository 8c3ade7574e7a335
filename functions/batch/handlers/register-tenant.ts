import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { tenantRegistry } from '../wiring';

const registry = tenantRegistry();

/** PUT /admin/batch/tenants/{id} — adds a tenant to the nightly run (kept until removed). */
export const handler = httpRoute(routes.registerTenant, async ({ params, ctx }) => ({
  body: await registry.add(params.id, ctx.caller.userId, new Date()),
}));
