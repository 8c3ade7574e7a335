import type { Logger } from '@aws-lambda-powertools/logger';
import type { BatchMessage } from './model';
import type { BatchLedger, TaskQueue, TenantRegistry } from './ports';

/** Tenants read from the registry per page (one SendMessageBatch per 10 of them). */
export const REGISTRY_PAGE_SIZE = 500;

/** What an enqueue run did. */
export interface EnqueueResult {
  readonly runId: string;
  readonly day: string;
  readonly enqueued: number;
  readonly pages: number;
}

/**
 * Starts a run: pages through the tenant registry (or the given tenants) and sends one message per tenant, counting
 * them in the run's summary page by page, so workers that finish early already see the total so far.
 */
export const enqueueRun = async (
  deps: {
    readonly registry: TenantRegistry;
    readonly queue: TaskQueue;
    readonly ledger: BatchLedger;
    readonly clock: () => Date;
    readonly log: Logger;
  },
  options: { readonly runId: string; readonly tenants?: readonly string[]; readonly pageSize?: number },
): Promise<EnqueueResult> => {
  const now = deps.clock();
  const day = now.toISOString().slice(0, 10);
  await deps.ledger.startRun(options.runId, day, now);
  const toMessages = (tenantIds: readonly string[]): BatchMessage[] =>
    tenantIds.map((tenantId) => ({ runId: options.runId, tenantId, day, attempt: 0, enqueuedAt: now.toISOString() }));
  const enqueuePage = async (tenantIds: readonly string[]): Promise<void> => {
    if (tenantIds.length === 0) return;
    await deps.ledger.addEnqueued(options.runId, tenantIds.length);
    await deps.queue.send(toMessages(tenantIds));
  };

  let enqueued = 0;
  let pages = 0;
  if (options.tenants) {
    await enqueuePage(options.tenants);
    enqueued = options.tenants.length;
    pages = 1;
  } else {
    let cursor: string | undefined;
    do {
      const page = await deps.registry.page(options.pageSize ?? REGISTRY_PAGE_SIZE, cursor);
      await enqueuePage(page.tenantIds);
      enqueued += page.tenantIds.length;
      pages += 1;
      cursor = page.cursor;
    } while (cursor);
  }
  deps.log.info('batch run enqueued', { runId: options.runId, day, enqueued, pages });
  return { runId: options.runId, day, enqueued, pages };
};
