import { usage } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /usage — the caller's tenant, this month. */
export const handler = jsonRoute(usage.routes.getMyUsage, async ({ invocation }) => ({
  body: await reports.month(invocation.caller.tenantId),
}));
