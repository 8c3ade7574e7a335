import { nudges } from '../routes';
import { recordActivityHandler } from '../route-handlers';

/** POST /coach/activity */
export const handler = recordActivityHandler(nudges.routes.recordActivity);
