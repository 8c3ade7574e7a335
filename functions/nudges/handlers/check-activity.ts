import { nudges } from '../routes';
import { recordActivityHandler } from '../route-handlers';

/** POST /coach/check */
export const handler = recordActivityHandler(nudges.routes.checkActivity);
