import { assistant } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { assistantService } from '../wiring';

const service = assistantService();

/** POST /ai/account-status */
export const handler = jsonRoute(assistant.routes.getAccountStatus, async ({ body, invocation }) => ({
  body: await service.accountStatus(invocation, body),
}));
