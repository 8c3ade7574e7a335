import { usage } from '../routes';
import { conversationStatsReport } from '../../conversations/wiring';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();
const conversations = conversationStatsReport();

/**
 * GET /admin/usage?from=&to=&tenantId=&groupBy=&format= — JSON with the conversations started in the range, as they
 * stand; or, with `format=csv`, the usage rows as a CSV file.
 */
export const handler = jsonRoute(usage.routes.getUsageReport, async ({ query }) => {
  if (query.format === 'csv') return { body: await reports.reportFile(query) };
  const report = await reports.report(query);
  return { body: { ...report, conversations: await conversations.report(report) } };
});
