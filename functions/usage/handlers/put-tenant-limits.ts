import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { usageReports } from '../wiring';

const reports = usageReports();

/** PUT /admin/tenants/{id}/limits */
export const handler = httpRoute(routes.putTenantLimits, async ({ params, body, ctx }) => ({
  body: await reports.setLimits(params.id, body, ctx.caller.userId),
}));
