import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { usageReports } from '../wiring';

const reports = usageReports();

/** GET /usage — the caller's tenant, this month. */
export const handler = httpRoute(routes.getMyUsage, async ({ ctx }) => ({
  body: await reports.month(ctx.caller.tenantId),
}));
