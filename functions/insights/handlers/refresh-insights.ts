import { insights } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { listInsightsQuerySchema } from '../model';
import { insightsService } from '../wiring';

const service = insightsService();

/** POST /insights/refresh — answers with the first page of the new set. */
export const handler = jsonRoute(insights.routes.refreshInsights, async ({ invocation }) => ({
  body: await service.refresh(invocation, listInsightsQuerySchema.parse({})),
}));
