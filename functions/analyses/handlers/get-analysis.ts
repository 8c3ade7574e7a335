import { analyses } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { analysesService } from '../wiring';

const service = analysesService();

/** GET /analyses/{id} */
export const handler = jsonRoute(analyses.routes.getAnalysis, async ({ params, invocation }) => ({
  body: await service.get(invocation, params.id),
}));
