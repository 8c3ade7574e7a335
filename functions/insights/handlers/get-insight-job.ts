import { insights } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { insightsService } from '../wiring';

const service = insightsService();

/** GET /insight-jobs/{jobId} */
export const handler = jsonRoute(insights.routes.getInsightJob, async ({ params, invocation }) => ({
  body: await service.job(invocation, params.jobId),
}));
