import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** PUT /admin/tenants/{id}/limits */
export const handler = jsonRoute(usage.routes.putTenantLimits, async ({ params, body, invocation }) => ({
  body: await reports.setLimits(params.id, body, invocation.caller.userId),
}));
