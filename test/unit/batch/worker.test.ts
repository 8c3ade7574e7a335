import { Logger } from '@aws-lambda-powertools/logger';
import type { BatchGeneration } from '../../../functions/insights/service';
import type { BatchMessage } from '../../../functions/batch/model';
import { StaticTokenProvider } from '../../../functions/shared/business-api/service-token';
import { InMemoryBatchLedger } from '../../../functions/batch/store';
import { handleRecords, type WorkerDependencies } from '../../../functions/batch/worker';
import type { ReceivedRecord } from '../../../functions/shared/jobs/queue';
import { ModelUnavailableError, ServiceBusyError } from '../../../functions/shared/errors';
import { MemoryQueue } from '../../../functions/shared/jobs/memory-queue';

const NOW = new Date('2026-11-21T02:00:00.000Z');
const DAY = '2026-11-21';
const RUN = 'run-1';
const TENANT = 'acme-plumbing';
/** The invocation's end: a worker's full timeout ahead. */
const DEADLINE = NOW.getTime() + 300_000;
const SETTINGS = { holdSeconds: 900, maxThrottleRetries: 2, maxReceiveCount: 3 };

const message = (attempt = 0): BatchMessage => ({
  runId: RUN,
  tenantId: TENANT,
  day: DAY,
  attempt,
  enqueuedAt: NOW.toISOString(),
});

const record = (body: BatchMessage, receiveCount = 1): ReceivedRecord => ({
  messageId: 'msg-1',
  body: JSON.stringify(body),
  receiveCount,
});

/** A worker on the ledger twin and an in-memory queue, generating with `generate`. */
const setup = async (generate: () => Promise<BatchGeneration>) => {
  const ledger = new InMemoryBatchLedger();
  await ledger.startRun(RUN, DAY, NOW);
  await ledger.addEnqueued(RUN, 1);
  const queue = new MemoryQueue({ visibilityTimeoutSeconds: 900, maxReceiveCount: 3, now: () => NOW.getTime() });
  const log = new Logger({ serviceName: 'worker-test' });
  const warn = jest.spyOn(log, 'warn');
  const error = jest.spyOn(log, 'error');
  const calls: string[] = [];
  const deadlines: number[] = [];
  const deps: WorkerDependencies = {
    ledger,
    queue,
    tokens: new StaticTokenProvider('service-token'),
    generate: async (_message, bearerToken, _log, deadlineAt) => {
      deadlines.push(deadlineAt);
      calls.push(bearerToken);
      return generate();
    },
    clock: () => NOW,
    log,
    settings: SETTINGS,
  };
  return { deps, ledger, queue, calls, deadlines, warn, error };
};

describe('handleRecords', () => {
  it('leaves a tenant another delivery is working on to the queue, as a warning, without generating', async () => {
    const { deps, ledger, calls, warn, error } = await setup(async () => ({
      outcome: 'generated',
      tokens: 10,
      costMicros: 5,
    }));
    await ledger.claimTenant(DAY, TENANT, NOW, SETTINGS.holdSeconds);

    const result = await handleRecords(deps, [record(message())], DEADLINE);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(calls).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'tenant not processed; the queue will retry it',
      expect.objectContaining({ tenantId: TENANT }),
    );
    expect(error).not.toHaveBeenCalled();
    expect(await ledger.summary(RUN)).toMatchObject({ generated: 0, failed: 0 });
  });

  it('counts a tenant whose model is still throttled on its last delivery as failed once, without putting it back', async () => {
    const { deps, ledger, queue, calls } = await setup(async () => {
      throw new ModelUnavailableError('Bedrock ThrottlingException');
    });

    await handleRecords(deps, [record(message(SETTINGS.maxThrottleRetries), SETTINGS.maxReceiveCount)], DEADLINE);

    expect(calls).toEqual(['service-token']);
    expect(queue.depth()).toBe(0);
    expect(await ledger.summary(RUN)).toMatchObject({ failed: 1, retry_later: 0 });
  });

  it('lets the queue retry an unexpected failure, logged as an error, and counts it failed only on the last receive', async () => {
    const { deps, ledger, error } = await setup(async () => {
      throw new TypeError('cannot read properties of undefined');
    });

    const early = await handleRecords(deps, [record(message(), 1)], DEADLINE);
    const afterEarly = await ledger.summary(RUN);
    const last = await handleRecords(deps, [record(message(), SETTINGS.maxReceiveCount)], DEADLINE);

    expect([early.batchItemFailures, last.batchItemFailures]).toEqual([
      [{ itemIdentifier: 'msg-1' }],
      [{ itemIdentifier: 'msg-1' }],
    ]);
    expect(afterEarly).toMatchObject({ failed: 0 });
    expect(await ledger.summary(RUN)).toMatchObject({ failed: 1 });
    expect(error).toHaveBeenCalledWith(
      'tenant not processed; the queue will retry it',
      expect.objectContaining({ tenantId: TENANT, error: 'TypeError: cannot read properties of undefined' }),
    );
  });

  it("puts a tenant back for later while a user's own job is writing its set, without counting it failed", async () => {
    const { deps, ledger, queue, deadlines } = await setup(async () => {
      throw new ServiceBusyError('Another generation for this tenant is in progress', 30);
    });

    const result = await handleRecords(deps, [record(message())], DEADLINE);
    const [putBack] = queue.receive(1);

    expect(result.batchItemFailures).toEqual([]);
    expect(deadlines).toEqual([DEADLINE]);
    expect(await ledger.summary(RUN)).toMatchObject({ retry_later: 1, failed: 0 });
    expect(putBack).toBeUndefined();
    expect(queue.nextChangeAt()).toBeGreaterThan(NOW.getTime());
    expect(await ledger.claimTenant(DAY, TENANT, NOW, SETTINGS.holdSeconds)).toBe('claimed');
  });
});
