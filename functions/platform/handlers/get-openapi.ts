import { config } from '../../shared/config';
import { publicRoute } from '../../shared/http/pipeline';
import { openApiDocument } from '../openapi';

const document = openApiDocument(config().SERVICE_VERSION);

/** GET /openapi.json */
export const handler = publicRoute(async () => ({ body: document }));
