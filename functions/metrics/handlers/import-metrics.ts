import { metrics } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { metricsService } from '../wiring';

const service = metricsService();

/** POST /admin/tenants/{id}/metrics/import */
export const handler = jsonRoute(metrics.routes.importMetrics, async ({ params, body, invocation }) => ({
  body: await service.importPoints(invocation, params.id, body),
}));
