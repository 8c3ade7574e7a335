import { tenantRegistry } from '../../batch/wiring';
import { insights } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { insightsService } from '../wiring';

const service = insightsService();
const registry = tenantRegistry();

/** GET /insights — also keeps the tenant in the nightly run's registry (at most one write per tenant a day). */
export const handler = jsonRoute(insights.routes.listInsights, async ({ query, invocation }) => {
  const [page] = await Promise.all([
    service.list(invocation, query),
    registry
      .touch(invocation.caller.tenantId, new Date())
      .catch((error: unknown) => invocation.log.warn('tenant registry not updated', { error: String(error) })),
  ]);
  return { body: page };
});
