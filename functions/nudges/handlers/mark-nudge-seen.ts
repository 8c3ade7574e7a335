import { nudges } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { nudgeService } from '../wiring';

const service = nudgeService();

/** POST /coach/nudges/{id}/seen */
export const handler = jsonRoute(nudges.routes.markNudgeSeen, async ({ params, invocation }) => ({
  body: { nudge: await service.seen(invocation, params.id) },
}));
