import { tenantRegistry } from '../../batch/wiring';
import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { insightsService } from '../wiring';

const service = insightsService();
const registry = tenantRegistry();

/** GET /insights — also keeps the tenant in the nightly run's registry (at most one write per tenant a day). */
export const handler = httpRoute(routes.listInsights, async ({ query, ctx }) => {
  const [page] = await Promise.all([
    service.list(ctx, query),
    registry
      .touch(ctx.caller.tenantId, new Date())
      .catch((error: unknown) => ctx.log.warn('tenant registry not updated', { error: String(error) })),
  ]);
  return { body: page };
});
