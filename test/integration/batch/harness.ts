import { enqueueRun, type EnqueueResult } from '../../../functions/batch/enqueue';
import { BATCH_WORKER_TIMEOUT_SECONDS, type RunSummary } from '../../../functions/batch/model';
import { handleRecords, type WorkerDependencies } from '../../../functions/batch/worker';
import type { ReceivedRecord } from '../../../functions/shared/jobs/queue';
import { dayOf, type DayUsage, type TenantLimits } from '../../../functions/shared/usage/ledger';
import { MemoryQueue } from '../../../functions/shared/jobs/memory-queue';
import { deliverOnce, drainQueue } from '../../../local/queue-workers';

const DAY_MS = 86_400_000;

/** A clock the test moves by hand (epoch milliseconds). */
export interface ManualClock {
  now(): number;
  date(): Date;
  advance(ms: number): void;
}

/**
 * One nightly run on the test stack: the production registry, ledger, worker and insights generator (through the
 * batch wiring), with an in-memory queue and a worker clock the test moves by hand.
 */
export interface NightlyRun {
  readonly runId: string;
  readonly queue: MemoryQueue;
  readonly clock: ManualClock;
  readonly deps: WorkerDependencies;
  /** Starts the run with enqueueRun: the given tenants, else the registry's. */
  enqueue(options?: { readonly tenants?: readonly string[]; readonly pageSize?: number }): Promise<EnqueueResult>;
  /** One receive handled as the Lambda would be invoked with it; deletes what did not fail. Returns the records. */
  deliver(max?: number): Promise<ReceivedRecord[]>;
  /** Drains the queue with one worker, moving the clock over delays and visibility timeouts instead of waiting. */
  drain(): Promise<void>;
  summary(): Promise<RunSummary>;
}

const manualClock = (start: number): ManualClock => {
  let now = start;
  return { now: () => now, date: () => new Date(now), advance: (ms) => void (now += ms) };
};

let runs = 0;

/**
 * The production wiring, loaded once the test stack has set the environment: Powertools reads it when the logger and
 * metrics are constructed (metrics off, logs silent), as Lambda loads a handler after its env is in place.
 */
const production = async () => {
  const [wiring, generator, adapters, observability] = await Promise.all([
    import('../../../functions/batch/wiring'),
    import('../../../functions/batch/tenant-generator'),
    import('../../../functions/shared/adapters'),
    import('../../../functions/shared/observability'),
  ]);
  return {
    batchLedger: wiring.batchLedger,
    tenantRegistry: wiring.tenantRegistry,
    workerSettings: wiring.workerSettings,
    tenantGenerator: generator.tenantGenerator,
    serviceTokens: adapters.serviceTokens,
    usageLedger: adapters.usageLedger,
    logger: observability.logger,
  };
};

/**
 * A run `daysAhead` days from today. Each test takes its own day, so the per-day claims of other tests do not make
 * its tenants duplicates, and a set generated earlier today is not fresh for it (it was made before the run).
 */
export const nightlyRun = async (daysAhead: number): Promise<NightlyRun> => {
  const { batchLedger, serviceTokens, tenantGenerator, tenantRegistry, workerSettings, logger } = await production();
  runs += 1;
  const runId = `test-run-${runs}`;
  const clock = manualClock(Date.now() + daysAhead * DAY_MS);
  const settings = workerSettings();
  const queue = new MemoryQueue({
    visibilityTimeoutSeconds: settings.holdSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    now: clock.now,
  });
  const deps: WorkerDependencies = {
    ledger: batchLedger(),
    queue,
    tokens: serviceTokens(),
    generate: tenantGenerator(),
    clock: clock.date,
    log: logger,
    settings,
  };
  const handle = (records: readonly ReceivedRecord[]): ReturnType<typeof handleRecords> =>
    handleRecords(deps, records, Date.now() + BATCH_WORKER_TIMEOUT_SECONDS * 1000);
  return {
    runId,
    queue,
    clock,
    deps,
    enqueue: (options = {}) =>
      enqueueRun(
        { registry: tenantRegistry(), queue, ledger: batchLedger(), clock: clock.date, log: logger },
        { runId, ...options },
      ),
    deliver: (max = 10) => deliverOnce(queue, handle, max),
    drain: () =>
      drainQueue(queue, handle, {
        concurrency: 1,
        batchSize: 10,
        idle: async (next) => clock.advance(Math.max(0, next - clock.now())),
      }),
    summary: async () => {
      const summary = await batchLedger().summary(runId);
      if (!summary) throw new Error(`run ${runId} has no summary`);
      return summary;
    },
  };
};

/** Today's usage rollup (the model calls are metered on the real clock): one tenant's, or every tenant's. */
export const usageToday = async (tenantId?: string): Promise<DayUsage> => {
  const today = dayOf(new Date());
  const [day] = await (await production()).usageLedger().days(tenantId, today, today);
  if (!day) throw new Error(`no usage rollup for ${today}`);
  return day;
};

/** Today's `batch` request-type counters. */
export const batchUsageToday = async (
  tenantId?: string,
): Promise<{ calls: number; tokens: number; costMicros: number }> =>
  (await usageToday(tenantId)).byRequestType.batch ?? { calls: 0, tokens: 0, costMicros: 0 };

/** Adds tenants to the registry as an admin would. */
export const registerTenants = async (tenantIds: readonly string[]): Promise<void> => {
  const { tenantRegistry } = await production();
  for (const tenantId of tenantIds) await tenantRegistry().add(tenantId, 'test-admin', new Date());
};

/** Overrides a tenant's limits as an admin would. */
export const setTenantLimits = async (tenantId: string, limits: TenantLimits): Promise<void> => {
  await (await production()).usageLedger().updateLimits(tenantId, limits, 'test-admin', new Date());
};
