import { assistant } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { assistantService } from '../wiring';

const service = assistantService();

/** POST /ai/analytics-overview */
export const handler = jsonRoute(assistant.routes.getAnalyticsOverview, async ({ body, invocation }) => ({
  body: await service.analyticsOverview(invocation, body),
}));
