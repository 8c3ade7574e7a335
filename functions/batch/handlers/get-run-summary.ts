import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { NotFoundError } from '../../shared/http/errors';
import { batchLedger } from '../wiring';

const ledger = batchLedger();

/** GET /admin/batch/runs/{runId} — a run's counters (tenants by outcome, tokens, cost). */
export const handler = httpRoute(routes.getRunSummary, async ({ params }) => {
  const summary = await ledger.summary(params.runId);
  if (!summary) throw new NotFoundError(`No run "${params.runId}"`);
  return { body: summary };
});
