import { metrics } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { metricsService } from '../wiring';

const service = metricsService();

/** GET /metrics/history */
export const handler = jsonRoute(metrics.routes.getMetricHistory, async ({ query, invocation }) => ({
  body: await service.history(invocation, query),
}));
