import { insights } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { insightTaxonomy } from '../query';

/** GET /insights/categories */
export const handler = jsonRoute(insights.routes.insightCategories, async () => ({ body: insightTaxonomy }));
