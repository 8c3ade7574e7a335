import { routes } from '../../routes';
import { statusChangeHandler } from '../status-route';

/** POST /insights/{id}/dismiss */
export const handler = statusChangeHandler(routes.dismissInsight, 'dismissed');
