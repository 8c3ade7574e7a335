import { analyses } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { analysesService } from '../wiring';

const service = analysesService();

/** POST /analyses/{id}/feedback */
export const handler = jsonRoute(analyses.routes.analysisFeedback, async ({ params, body, invocation }) => ({
  body: await service.feedback(invocation, params.id, body),
}));
