import { analyses } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { analysesService } from '../wiring';

const service = analysesService();

/** POST /analyses/{type} (the route's `{id}` segment is the type's name): 200 with the analysis, or 202 with the pending one (and where to poll it). */
export const handler = jsonRoute(analyses.routes.runAnalysis, async ({ params, body, invocation }) => {
  const { status, analysis } = await service.analyze(invocation, params.id, body);
  return status === 202
    ? { statusCode: 202, headers: { location: `/analyses/${analysis.id}` }, body: analysis }
    : { body: analysis };
});
