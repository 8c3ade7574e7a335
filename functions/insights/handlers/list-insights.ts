import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { insightsService } from '../wiring';

const service = insightsService();

/** GET /insights */
export const handler = httpRoute(routes.listInsights, async ({ query, ctx }) => ({
  body: await service.list(ctx, query),
}));
