import { MemoryQueue } from './memory-queue';

/** How long an in-process message stays hidden while a worker has it, and deliveries before it is dead-lettered. */
const VISIBILITY_TIMEOUT_SECONDS = 300;
const MAX_RECEIVE_COUNT = 3;

const queues = new Map<string, MemoryQueue>();

/**
 * The in-process stand-in for a worker's SQS queue, by the worker's id: where there is no queue URL (the local runtime
 * and the tests), senders put messages here and the local runtime serves them to the same worker handler.
 */
export const inProcessQueue = <M>(id: string): MemoryQueue<M> => {
  let queue = queues.get(id);
  if (!queue) {
    queue = new MemoryQueue({
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    queues.set(id, queue);
  }
  return queue;
};
