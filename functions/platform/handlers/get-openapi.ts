import { platform } from '../routes';
import { publicRoute } from '../../shared/http/pipeline';
import document from '../../../docs/openapi.json';

/** GET /openapi.json: the document generated from the route table at build time (`npm run openapi`). */
export const handler = publicRoute(platform.routes.openApi, async () => ({ body: document }));
