import { nudges } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { nudgeService } from '../wiring';

const service = nudgeService();

/** GET /coach/settings */
export const handler = jsonRoute(nudges.routes.getNudgeSettings, async ({ invocation }) => ({
  body: { settings: await service.settings(invocation) },
}));
