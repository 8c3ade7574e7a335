import type { RouteGrants } from '../http/route';

/**
 * Deliveries of a job message whose outcome could not be recorded before it moves to the dead-letter queue: every
 * worker queue's redrive policy (lib/constructs/workers.ts) and the batch simulation's on-demand queue read it.
 */
export const WORKER_MAX_RECEIVE_COUNT = 3;

/**
 * A queue of job messages and the function that works it off, as a capability declares it (next to its routes): the
 * stack creates the queue (with its dead-letter queue and alarms) and the worker (an SQS event source with partial
 * batch failures); the local runtime serves the same handler from an in-process queue of the same name.
 */
export interface WorkerDefinition {
  /** Logical id in the stack, e.g. `InsightJobs`. */
  readonly id: string;
  /** The env var through which senders and the worker receive the queue's URL. */
  readonly queueEnvVar: string;
  /** Handler module, relative to the repository root; it exports `handler` (an SQS handler). */
  readonly handler: string;
  readonly description: string;
  /** The worker's timeout: the longest one job may take, model calls included (its deadline is this less a margin). */
  readonly timeoutSeconds: number;
  /** Workers at most at once (SQS event source maximum concurrency, 2-1000). */
  readonly maxConcurrency: number;
  /**
   * What the worker may touch, as a route's grants (the queue itself is added: the worker puts throttled jobs back);
   * a worker has no user's token, so one that reads business data needs `serviceToken`.
   */
  readonly grants: RouteGrants;
}
