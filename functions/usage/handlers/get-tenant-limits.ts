import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/tenants/{id}/limits */
export const handler = httpRoute(routes.getTenantLimits, async ({ params }) => ({
  body: await reports.limits(params.id),
}));
