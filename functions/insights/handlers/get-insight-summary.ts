import { insights } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { insightsService } from '../wiring';

const service = insightsService();

/** GET /insights/summary */
export const handler = jsonRoute(insights.routes.insightSummary, async ({ invocation }) => ({
  body: await service.summary(invocation),
}));
