import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /usage?month= — the caller's tenant, this month or an earlier one. */
export const handler = jsonRoute(usage.routes.getMyUsage, async ({ query, invocation }) => ({
  body: await reports.month(invocation.caller.tenantId, query.month),
}));
