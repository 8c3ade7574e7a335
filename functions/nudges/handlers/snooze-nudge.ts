import { nudges } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { nudgeService } from '../wiring';

const service = nudgeService();

/** POST /coach/nudges/{id}/snooze */
export const handler = jsonRoute(nudges.routes.snoozeNudge, async ({ params, body, invocation }) => ({
  body: { nudge: await service.snooze(invocation, params.id, body.hours) },
}));
