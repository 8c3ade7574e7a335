import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/tenants/{id}/limits */
export const handler = jsonRoute(usage.routes.getTenantLimits, async ({ params }) => ({
  body: await reports.limits(params.id),
}));
