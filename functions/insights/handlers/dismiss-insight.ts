import { insights } from '../routes';
import { statusChangeHandler } from '../status-route';

/** POST /insights/{id}/dismiss */
export const handler = statusChangeHandler(insights.routes.dismissInsight, 'dismissed');
