import { metrics } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { metricsService } from '../wiring';

const service = metricsService();

/** GET /metrics/trends */
export const handler = jsonRoute(metrics.routes.getMetricTrends, async ({ invocation }) => ({
  body: await service.trends(invocation),
}));
