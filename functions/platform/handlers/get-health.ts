import { config } from '../../shared/config';
import { publicRoute } from '../../shared/http/pipeline';
import { platform } from '../routes';
import type { Health } from '../model';

const cfg = config();
const offline = cfg.LLM_PROVIDER === 'rules';

/** What this deployment runs on, from config alone (no I/O, so health stays cheap and always answers). */
const health: Health = {
  status: 'ok',
  service: cfg.POWERTOOLS_SERVICE_NAME,
  version: cfg.SERVICE_VERSION,
  adapters: {
    database: cfg.DYNAMODB_ENDPOINT ? 'local-dynamodb' : 'dynamodb',
    prompts: cfg.PROMPTS_BUCKET ? 's3' : 'folder',
    businessApi: cfg.ACCOUNT_API_URL && cfg.TRACTION_API_URL ? 'http' : 'unconfigured',
    llm: cfg.LLM_PROVIDER,
    coach: offline ? 'offline' : 'model',
  },
  ...(offline
    ? {
        notice:
          'No language model is configured (LLM_PROVIDER=rules): insights are written by the rules and conversations ' +
          "by the offline coach (the templates' questions, the owner's own words).",
      }
    : {}),
};

/** GET /health */
export const handler = publicRoute(platform.routes.health, async () => ({ body: health }));
