import { AppError, ModelUnavailableError } from '../errors';
import type { Invocation } from '../invocation';
import { retryDelaySeconds, type JobMessage } from './model';
import type { Queue } from './queue';
import type { JobStore } from './store';

/** What a worker did with one job message. */
export type JobOutcome = 'done' | 'failed' | 'retry_later' | 'skipped';

/** What working a job needs: the jobs, the queue it came from, the clock and the put-back policy. */
export interface JobWorkDependencies {
  readonly jobs: JobStore;
  readonly queue: Queue<JobMessage>;
  readonly clock: () => Date;
  /** How long a put-back job stays held before the next delivery may claim it. */
  readonly holdSeconds: number;
  /** Deliveries of a job whose model keeps throttling before it is failed. */
  readonly maxAttempts: number;
}

/** One kind of job's work on its subject `S` (e.g. the analysis it makes), for `workJob`. */
export interface JobWork<S> {
  /** Names the job in log lines, e.g. `insights job`. */
  readonly name: string;
  /** Fields every log line of the job carries (e.g. the analysis it makes). */
  readonly logContext?: Record<string, unknown>;
  /** After the claim: the job's subject, or undefined when it is finished or gone (the job is then skipped). */
  readonly take: () => Promise<S | undefined>;
  /** The work on the subject; it stores its result itself. */
  readonly run: (subject: S) => Promise<void>;
  /** Records a failure on the job's subject (the job itself is failed by `workJob`). */
  readonly onFailed?: (reason: string) => Promise<unknown>;
}

/**
 * One delivery of a job: claims it (a redelivery of a finished or running job is skipped), runs the work and finishes
 * the job. A model that keeps throttling puts the job back on its queue with a growing delay until `maxAttempts`; any
 * other failure fails the job with its reason (an AppError's code, else `internal_error`), logged with the error.
 */
export const workJob = async <S>(
  deps: JobWorkDependencies,
  invocation: Invocation,
  message: JobMessage,
  work: JobWork<S>,
): Promise<JobOutcome> => {
  const { jobs, queue, clock } = deps;
  const tenantId = invocation.caller.tenantId;
  const job = await jobs.claim(tenantId, message.jobId, clock(), invocation.deadline.at + 60_000);
  const subject = job ? await work.take() : undefined;
  if (!job || subject === undefined) {
    invocation.log.info(`${work.name} not taken: finished, gone or running under another worker`, {
      ...message,
      ...work.logContext,
    });
    return 'skipped';
  }
  try {
    await work.run(subject);
    await jobs.finish(tenantId, job.jobId, 'done', clock());
    return 'done';
  } catch (error) {
    if (error instanceof ModelUnavailableError && job.attempts < deps.maxAttempts) {
      await jobs.putBack(tenantId, job.jobId, error.code, clock().getTime() + deps.holdSeconds * 1000);
      await queue.send([message], retryDelaySeconds(job.attempts));
      invocation.log.warn(`model unavailable; ${work.name} put back`, {
        jobId: job.jobId,
        attempts: job.attempts,
        ...work.logContext,
      });
      return 'retry_later';
    }
    const reason = error instanceof AppError ? error.code : 'internal_error';
    await work.onFailed?.(reason);
    await jobs.finish(tenantId, job.jobId, 'failed', clock(), reason);
    invocation.log[error instanceof AppError ? 'warn' : 'error'](`${work.name} failed`, {
      jobId: job.jobId,
      reason,
      error: error as Error,
      ...work.logContext,
    });
    return 'failed';
  }
};
