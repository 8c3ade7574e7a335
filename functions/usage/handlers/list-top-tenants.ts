import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/usage/top-tenants?month=&limit= */
export const handler = httpRoute(routes.listTopTenants, async ({ query }) => ({
  body: await reports.topTenants(query.month, query.limit),
}));
