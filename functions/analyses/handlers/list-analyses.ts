import { analyses } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { analysesService } from '../wiring';

const service = analysesService();

/** GET /analyses */
export const handler = jsonRoute(analyses.routes.listAnalyses, async ({ query, invocation }) => ({
  body: await service.list(invocation, query),
}));
