import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { insightsService } from '../wiring';

const service = insightsService();

/** GET /insights/summary */
export const handler = httpRoute(routes.insightSummary, async ({ ctx }) => ({ body: await service.summary(ctx) }));
