import type { ReceivedRecord } from '../functions/shared/jobs/queue';
import type { MemoryQueue } from '../functions/shared/jobs/memory-queue';

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
