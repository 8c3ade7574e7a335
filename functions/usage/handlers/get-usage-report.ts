import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/usage?from=&to=&tenantId=&groupBy= */
export const handler = httpRoute(routes.getUsageReport, async ({ query }) => ({ body: await reports.report(query) }));
