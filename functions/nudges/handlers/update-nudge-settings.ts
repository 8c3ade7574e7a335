import { nudges } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { nudgeService } from '../wiring';

const service = nudgeService();

/** PUT /coach/settings */
export const handler = jsonRoute(nudges.routes.updateNudgeSettings, async ({ body, invocation }) => ({
  body: { settings: await service.updateSettings(invocation, body) },
}));
