import { routes } from '../../routes';
import { statusChangeHandler } from '../status-route';

/** POST /insights/{id}/acknowledge */
export const handler = statusChangeHandler(routes.acknowledgeInsight, 'acknowledged');
