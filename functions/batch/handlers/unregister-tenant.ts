import { batch } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { tenantRegistry } from '../wiring';
import { NotFoundError } from '../../shared/errors';

const registry = tenantRegistry();

/** DELETE /admin/batch/tenants/{id} — removes a tenant from the nightly run. */
export const handler = jsonRoute(batch.routes.unregisterTenant, async ({ params }) => {
  if (!(await registry.remove(params.id))) throw new NotFoundError(`Tenant "${params.id}" is not registered`);
  return { statusCode: 204 };
});
