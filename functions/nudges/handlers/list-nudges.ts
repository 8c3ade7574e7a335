import { nudges } from '../routes';
import { listNudgesHandler } from '../route-handlers';

/** GET /coach/nudges */
export const handler = listNudgesHandler(nudges.routes.listNudges);
