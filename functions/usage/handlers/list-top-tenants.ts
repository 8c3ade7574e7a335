import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/usage/top-tenants?month=&limit= */
export const handler = jsonRoute(usage.routes.listTopTenants, async ({ query }) => ({
  body: await reports.topTenants(query.month, query.limit),
}));
