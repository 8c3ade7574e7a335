import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, publishingMetrics } from '../../shared/observability';
import { tenantGenerator } from '../tenant-generator';
import { serviceTokens } from '../../shared/adapters';
import { batchLedger, sqsQueue, workerSettings } from '../wiring';
import { handleRecords, type WorkerDependencies } from '../worker';

const deps: WorkerDependencies = {
  ledger: batchLedger(),
  queue: sqsQueue(),
  tokens: serviceTokens(),
  generate: tenantGenerator(),
  clock: () => new Date(),
  log: logger,
  settings: workerSettings(),
};

/** SQS worker of the nightly run: one tenant per message, failures reported per message (partial batch failure). */
export const handler = publishingMetrics(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  handleRecords(
    deps,
    event.Records.map((record) => ({
      messageId: record.messageId,
      body: record.body,
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? 1),
    })),
    Date.now() + context.getRemainingTimeInMillis(),
  ),
);
