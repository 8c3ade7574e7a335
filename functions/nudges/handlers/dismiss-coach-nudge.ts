import { nudges } from '../routes';
import { dismissNudgeHandler } from '../route-handlers';

/** POST /coach/dismiss/{id} */
export const handler = dismissNudgeHandler(nudges.routes.dismissCoachNudge);
