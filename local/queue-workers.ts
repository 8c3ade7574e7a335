import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ReceivedRecord } from '../functions/shared/jobs/queue';
import type { MemoryQueue } from '../functions/shared/jobs/memory-queue';
import { lambdaContext } from './lambda-context';

/** Handles received records the way the Lambda worker does, answering the ids of the ones that failed. */
export type RecordHandler = (
  records: readonly ReceivedRecord[],
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** How `drainQueue` polls. */
export interface WorkerPoolOptions {
  /** Workers polling at once (the Lambda's maximum concurrency). */
  readonly concurrency: number;
  /** Records per receive (the event source's batch size). */
  readonly batchSize: number;
  /**
   * Waits while nothing is receivable; `nextChangeAt` is when the queue next changes on its own clock (a delay or a
   * visibility timeout ending). The local runner sleeps a little, a test moves its clock to it, the simulation
   * sleeps in scaled time; other workers may send meanwhile, so a wait should stay short on a real clock. A clock
   * moved by hand belongs with one worker: jumping it while another worker is busy would time its message out.
   */
  readonly idle: (nextChangeAt: number) => Promise<void>;
}

/**
 * One poll as the SQS event source makes it: receives up to `max` records, hands them to `handle` and deletes those
 * it did not report failed (those reappear after the visibility timeout). Returns the records received.
 */
export const deliverOnce = async (
  queue: MemoryQueue<unknown>,
  handle: RecordHandler,
  max: number,
): Promise<ReceivedRecord[]> => {
  const records = queue.receive(max);
  if (records.length === 0) return records;
  const { batchItemFailures } = await handle(records);
  const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
  for (const record of records) if (!failed.has(record.messageId)) queue.delete(record.messageId);
  return records;
};

/**
 * Runs `concurrency` workers against the queue as the SQS event source runs the Lambda: receive, hand the records
 * to `handle`, delete those that did not fail (failures reappear after the visibility timeout, and end in the
 * dead-letter list after their last delivery). Returns once nothing is waiting and nothing is in flight.
 */
export const drainQueue = async (
  queue: MemoryQueue<unknown>,
  handle: RecordHandler,
  options: WorkerPoolOptions,
): Promise<void> => {
  const worker = async (): Promise<void> => {
    for (;;) {
      if ((await deliverOnce(queue, handle, options.batchSize)).length > 0) continue;
      const next = queue.nextChangeAt();
      if (next === undefined) return;
      await options.idle(next);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
};

/** An SQS Lambda handler with partial batch failures, as the workers export it. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** The SQS record a Lambda event source would deliver for a received message. */
const sqsRecord = (record: ReceivedRecord, queueName: string): SQSRecord => ({
  messageId: record.messageId,
  receiptHandle: record.messageId,
  body: record.body,
  attributes: {
    ApproximateReceiveCount: String(record.receiveCount),
    SentTimestamp: String(Date.now()),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
  awsRegion: 'local',
});

/** How long stopping waits for deliveries in progress. */
const STOP_WAIT_MS = 2_000;

/** A queue the local runtime serves to its worker until it is stopped. */
export interface QueueServer {
  /** Resolves once no message is receivable and none is being handled (delayed ones may still wait). */
  idle(): Promise<void>;
  /** Stops polling and waits for the deliveries in progress, a short while at most (a hung model holds one long). */
  stop(): Promise<void>;
}

/** How `serveQueue` runs the worker. */
export interface ServeOptions {
  /** The worker's name in its Lambda context and log lines. */
  readonly name: string;
  /** Deliveries at once (the event source's maximum concurrency). */
  readonly concurrency: number;
  /** The worker's remaining time at the start of each delivery (its timeout). */
  readonly budgetMs: number;
  /** How often an idle worker looks for messages. */
  readonly pollMs?: number;
}

/**
 * Serves an in-process queue to a worker handler the way the SQS event source serves the Lambda: one record per
 * delivery, deleted unless the handler reports it failed (or throws: then it comes back after the visibility timeout,
 * and ends in the dead-letter list after its last delivery).
 */
export const serveQueue = (queue: MemoryQueue<unknown>, handler: SqsHandler, options: ServeOptions): QueueServer => {
  let running = true;
  let handling = 0;
  const pollMs = options.pollMs ?? 20;
  const worker = async (): Promise<void> => {
    while (running) {
      const [record] = queue.receive(1);
      if (!record) {
        await sleep(pollMs);
        continue;
      }
      handling += 1;
      try {
        const response = await handler(
          { Records: [sqsRecord(record, options.name)] },
          lambdaContext(options.name, record.messageId, options.budgetMs),
        );
        if (!response?.batchItemFailures.some((failure) => failure.itemIdentifier === record.messageId)) {
          queue.delete(record.messageId);
        }
      } catch (error) {
        process.stderr.write(`${options.name}: delivery failed, the message comes back: ${String(error)}\n`);
      } finally {
        handling -= 1;
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  return {
    idle: async () => {
      while (handling > 0 || queue.receivable() > 0) await sleep(pollMs);
    },
    stop: async () => {
      running = false;
      await Promise.race([Promise.all(workers), sleep(STOP_WAIT_MS)]);
    },
  };
};
