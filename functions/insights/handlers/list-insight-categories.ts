import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { insightTaxonomy } from '../query';

/** GET /insights/categories */
export const handler = httpRoute(routes.insightCategories, async () => ({ body: insightTaxonomy }));
