import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { NotFoundError } from '../../shared/http/errors';
import { tenantRegistry } from '../wiring';

const registry = tenantRegistry();

/** DELETE /admin/batch/tenants/{id} — removes a tenant from the nightly run. */
export const handler = httpRoute(routes.unregisterTenant, async ({ params }) => {
  if (!(await registry.remove(params.id))) throw new NotFoundError(`Tenant "${params.id}" is not registered`);
  return { statusCode: 204 };
});
