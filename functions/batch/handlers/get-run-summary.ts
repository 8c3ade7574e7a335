import { batch } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { batchLedger } from '../wiring';
import { NotFoundError } from '../../shared/errors';

const ledger = batchLedger();

/** GET /admin/batch/runs/{runId} — a run's counters (tenants by outcome, tokens, cost). */
export const handler = jsonRoute(batch.routes.getRunSummary, async ({ params }) => {
  const summary = await ledger.summary(params.runId);
  if (!summary) throw new NotFoundError(`No run "${params.runId}"`);
  return { body: summary };
});
