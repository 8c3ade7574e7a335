import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /admin/usage?from=&to=&tenantId=&groupBy=&format= — JSON, or a CSV file with `format=csv`. */
export const handler = jsonRoute(usage.routes.getUsageReport, async ({ query }) => ({
  body: query.format === 'csv' ? await reports.reportFile(query) : await reports.report(query),
}));
