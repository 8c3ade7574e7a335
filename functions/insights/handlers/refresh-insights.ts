import { insights } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { insightsService } from '../wiring';

const service = insightsService();

/** POST /insights/refresh: 202 with the generation job, and where to poll it. */
export const handler = jsonRoute(insights.routes.refreshInsights, async ({ invocation }) => {
  const job = await service.refresh(invocation);
  return { statusCode: 202, headers: { location: `/insight-jobs/${job.jobId}` }, body: job };
});
