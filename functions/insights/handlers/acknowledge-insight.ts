import { insights } from '../routes';
import { statusChangeHandler } from '../status-route';

/** POST /insights/{id}/acknowledge */
export const handler = statusChangeHandler(insights.routes.acknowledgeInsight, 'acknowledged');
