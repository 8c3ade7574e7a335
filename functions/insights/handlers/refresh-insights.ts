import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { listInsightsQuerySchema } from '../model';
import { insightsService } from '../wiring';

const service = insightsService();

/** POST /insights/refresh — answers with the first page of the new set. */
export const handler = httpRoute(routes.refreshInsights, async ({ ctx }) => ({
  body: await service.refresh(ctx, listInsightsQuerySchema.parse({})),
}));
