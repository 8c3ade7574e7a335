import { nudges } from '../routes';
import { listNudgesHandler } from '../route-handlers';

/** GET /coach/insights */
export const handler = listNudgesHandler(nudges.routes.listCoachInsights);
