import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** DELETE /admin/tenants/{id}/limits — the tenant's limits are the defaults again. */
export const handler = jsonRoute(usage.routes.deleteTenantLimits, async ({ params }) => {
  await reports.clearLimits(params.id);
  return { statusCode: 204 };
});
