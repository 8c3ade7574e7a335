import { documentClient } from '../shared/adapters';
import { config } from '../shared/config';
import { once, onceAsync } from '../shared/once';
import type { BatchMessage } from './model';
import type { BatchLedger, TaskQueue, TenantRegistry } from './ports';
import { BATCH_MAX_RECEIVE_COUNT } from './model';
import { DynamoBatchLedger, DynamoTenantRegistry } from './store';
import type { WorkerSettings } from './worker';
import { batchConfig } from './config';
import { traceAwsClient } from '../shared/tracing';

/** The tenant registry on the batch table. */
export const tenantRegistry = /* @__PURE__ */ once(
  (): TenantRegistry =>
    new DynamoTenantRegistry(documentClient(), batchConfig().BATCH_TABLE, batchConfig().REGISTRY_ACTIVE_DAYS),
);

/** Run summaries and per-day claims on the batch table. */
export const batchLedger = /* @__PURE__ */ once(
  (): BatchLedger => new DynamoBatchLedger(documentClient(), batchConfig().BATCH_TABLE),
);

/** The run's SQS queue (its SDK loaded on first use). */
export const sqsQueue = /* @__PURE__ */ once((): TaskQueue => {
  const url = batchConfig().BATCH_QUEUE_URL;
  if (!url) throw new Error('BATCH_QUEUE_URL is not set');
  const load = onceAsync(async (): Promise<TaskQueue> => {
    const [{ SQSClient }, { SqsQueue }] = await Promise.all([
      import('@aws-sdk/client-sqs'),
      import('../shared/jobs/sqs-queue'),
    ]);
    return new SqsQueue<BatchMessage>(traceAwsClient(new SQSClient({ region: config().AWS_REGION })), url);
  });
  return { send: async (messages, delaySeconds) => (await load()).send(messages, delaySeconds) };
});

/** Worker tunables from config; `maxReceiveCount` matches the queue's redrive policy in the stack. */
export const workerSettings = (): WorkerSettings => ({
  holdSeconds: 900,
  maxThrottleRetries: batchConfig().BATCH_MAX_THROTTLE_RETRIES,
  maxReceiveCount: BATCH_MAX_RECEIVE_COUNT,
});
