import { nudges } from '../routes';
import { dismissNudgeHandler } from '../route-handlers';

/** POST /coach/nudges/{id}/dismiss */
export const handler = dismissNudgeHandler(nudges.routes.dismissNudge);
