import type { Logger } from '@aws-lambda-powertools/logger';
import type { BatchGeneration } from '../insights/service';
import { batchMessageSchema, type BatchMessage, type TenantOutcome } from './model';
import type { ServiceTokenProvider } from '../shared/business-api/port';
import type { BatchLedger, TaskQueue } from './ports';
import type { ReceivedRecord } from '../shared/jobs/queue';
import {
  AppError,
  ModelUnavailableError,
  NoBusinessDataError,
  ServiceBusyError,
  UpstreamUnavailableError,
} from '../shared/errors';

/** Generates one tenant's insights for the run, with the service token, finishing by `deadlineAt` (epoch ms). */
export type TenantGenerator = (
  message: BatchMessage,
  bearerToken: string,
  log: Logger,
  deadlineAt: number,
) => Promise<BatchGeneration>;

/** Tunables of the worker (from config). */
export interface WorkerSettings {
  /** How long a delivery holds its tenant's day; longer than a generation (the queue's visibility timeout). */
  readonly holdSeconds: number;
  readonly maxThrottleRetries: number;
  /** SQS receives after which a failing message goes to the dead-letter queue (its redrive policy). */
  readonly maxReceiveCount: number;
}

/** The ports the worker runs on. */
export interface WorkerDependencies {
  readonly ledger: BatchLedger;
  readonly queue: TaskQueue;
  readonly tokens: ServiceTokenProvider;
  readonly generate: TenantGenerator;
  readonly clock: () => Date;
  readonly log: Logger;
  readonly settings: WorkerSettings;
}

/**
 * Delay before a throttled tenant is tried again: about 1, 2, 4 … minutes (at most SQS's 15), with jitter over the
 * upper half, so tenants throttled together do not all come back together.
 */
export const retryDelaySeconds = (attempt: number, random: () => number = Math.random): number => {
  const base = Math.min(900, 60 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
};

/**
 * Processes one tenant exactly once per day, however often its message is delivered: the day's claim makes a
 * redelivery a `duplicate` (no second generation, no second bill). A throttled model, or a user's own job writing the
 * tenant's set right now, puts the tenant back on the queue with a growing delay (`retry_later`, not the dead-letter
 * queue; after the user's job the set is fresh and the retry keeps it); anything else unexpected (a model that timed
 * out, say) fails the message so the queue retries it, and after `maxReceiveCount` tries it goes to the dead-letter
 * queue. The generation finishes by `deadlineAt` (the worker's remaining time).
 */
export const processTenant = async (
  deps: WorkerDependencies,
  message: BatchMessage,
  receiveCount: number,
  deadlineAt: number,
): Promise<TenantOutcome> => {
  const { ledger, clock, settings } = deps;
  const log = deps.log.createChild({ persistentKeys: { tenantId: message.tenantId, runId: message.runId } });
  const claim = await ledger.claimTenant(message.day, message.tenantId, clock(), settings.holdSeconds);
  if (claim === 'done') {
    await ledger.count(message.runId, 'duplicate', 0, 0, clock());
    log.info('tenant already done today; redelivery ignored');
    return 'duplicate';
  }
  if (claim === 'busy') throw new ServiceBusyError('Another delivery of this tenant is in progress', 60);

  const finish = async (outcome: TenantOutcome, tokens = 0, costMicros = 0): Promise<TenantOutcome> => {
    await ledger.finishTenant(message.day, message.tenantId, outcome, clock());
    const summary = await ledger.count(message.runId, outcome, tokens, costMicros, clock());
    const finished = summary.generated + summary.from_cache + summary.fallback + summary.skipped + summary.failed;
    if (summary.enqueued > 0 && finished === summary.enqueued) {
      const wallSeconds =
        (Date.parse(summary.lastFinishedAt ?? summary.startedAt) - Date.parse(summary.startedAt)) / 1000;
      deps.log.info('batch run finished', { ...summary, wallSeconds });
    }
    return outcome;
  };

  try {
    const result = await deps.generate(message, await deps.tokens.token(), log, deadlineAt);
    log.info('tenant processed', { outcome: result.outcome, tokens: result.tokens });
    return await finish(result.outcome, result.tokens, result.costMicros);
  } catch (error) {
    if (error instanceof UpstreamUnavailableError || error instanceof NoBusinessDataError) {
      log.warn('tenant skipped', { reason: error.message });
      return finish('skipped');
    }
    await ledger.releaseTenant(message.day, message.tenantId);
    const comesBack = error instanceof ModelUnavailableError || error instanceof ServiceBusyError;
    if (comesBack && message.attempt < settings.maxThrottleRetries) {
      const delay = retryDelaySeconds(message.attempt);
      await deps.queue.send([{ ...message, attempt: message.attempt + 1 }], delay);
      await ledger.count(message.runId, 'retry_later', 0, 0, clock());
      log.warn('tenant put back for later', {
        reason: (error as AppError).code,
        attempt: message.attempt + 1,
        delaySeconds: delay,
      });
      return 'retry_later';
    }
    if (receiveCount >= settings.maxReceiveCount || comesBack) {
      await ledger.count(message.runId, 'failed', 0, 0, clock());
      log.error('tenant failed for this run', { error: error as Error, receiveCount, attempt: message.attempt });
    }
    throw error;
  }
};

/**
 * Handles a batch of queue messages and reports each failure by id (partial batch failure), so one bad tenant does
 * not make the queue redeliver the others. A body that is not a batch message is poison: it fails every time and
 * ends in the dead-letter queue. `deadlineAt` is when the invocation ends (epoch ms).
 */
export const handleRecords = async (
  deps: WorkerDependencies,
  records: readonly ReceivedRecord[],
  deadlineAt: number,
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> => {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    let message: BatchMessage;
    try {
      message = batchMessageSchema.parse(JSON.parse(record.body));
    } catch (error) {
      deps.log.error('poison message: not a batch message', {
        messageId: record.messageId,
        receiveCount: record.receiveCount,
        error: String(error),
      });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      await processTenant(deps, message, record.receiveCount, deadlineAt);
    } catch (error) {
      const level = error instanceof AppError ? 'warn' : 'error';
      deps.log[level]('tenant not processed; the queue will retry it', {
        tenantId: message.tenantId,
        error: String(error),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
