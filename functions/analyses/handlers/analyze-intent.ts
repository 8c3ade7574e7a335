import { analyses } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { analysesService } from '../wiring';

const service = analysesService();

/** POST /ai/analyze-intent: the intent analysis, answered in the request. */
export const handler = jsonRoute(analyses.routes.analyzeIntent, async ({ body, invocation }) => ({
  body: (await service.analyze(invocation, 'intent', body)).analysis,
}));
