import { insightsService } from '../insights/wiring';
import { once } from '../shared/once';
import { serviceCaller } from '../shared/caller';
import { startInvocation } from '../shared/invocation';
import { invocationAnnotations, traceInvocation } from '../shared/tracing';
import type { TenantGenerator } from './worker';
import { batchConfig } from './config';

/** What a generation leaves before the worker's own limit, to record the tenant's outcome instead of being cut off. */
const DEADLINE_MARGIN_MS = 10_000;

/**
 * The insights generation of one tenant for the run, as an invocation of the `nightly-batch` user with the service
 * token, traced with its tenant and correlation id. Kept apart from the batch wiring so that routes which only read
 * the run's state do not load insights.
 */
export const tenantGenerator = /* @__PURE__ */ once((): TenantGenerator => {
  const service = insightsService();
  const freshMs = batchConfig().BATCH_FRESH_HOURS * 3_600_000;
  return async (message, bearerToken, log, deadlineAt) => {
    const scope = startInvocation({
      caller: serviceCaller(message.tenantId, 'nightly-batch', bearerToken),
      correlationId: `${message.runId}:${message.tenantId}`,
      log,
      deadlineAt: deadlineAt - DEADLINE_MARGIN_MS,
    });
    try {
      return await traceInvocation('Batch tenant', invocationAnnotations(scope.invocation), () =>
        service.generateForBatch(scope.invocation, new Date(Date.parse(message.enqueuedAt) - freshMs)),
      );
    } finally {
      await scope.settle();
    }
  };
});
