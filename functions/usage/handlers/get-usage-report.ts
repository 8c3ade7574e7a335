import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/usage?from=&to=&tenantId=&groupBy= */
export const handler = jsonRoute(usage.routes.getUsageReport, async ({ query }) => ({
  body: await reports.report(query),
}));
