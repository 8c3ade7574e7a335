import { randomUUID } from 'node:crypto';
import { logger } from '../../shared/observability';
import { enqueueRun, type EnqueueResult } from '../enqueue';
import { batchLedger, sqsQueue, tenantRegistry } from '../wiring';

/** EventBridge Scheduler target: starts tonight's run (one SQS message per registered tenant). */
export const handler = async (): Promise<EnqueueResult> =>
  enqueueRun(
    { registry: tenantRegistry(), queue: sqsQueue(), ledger: batchLedger(), clock: () => new Date(), log: logger },
    { runId: `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}` },
  );
