/**
 * `npm run bench:batch -- [--tenants 10000,100000] [--headroom 0.97] [--refreshes-per-minute 4]`: the nightly run,
 * simulated in process, once per tenant count. The production enqueue (`enqueueRun`) and worker (`handleRecords` →
 * `processTenant`: per-day claims, retry-later on a throttled model, duplicates on redelivery) run against in-memory
 * stand-ins with the DynamoDB adapters' semantics (registry, ledger), the in-memory SQS queue, and a simulated model
 * behind a tokens-per-minute quota over a sliding 60-s window (bench/simulated-model.ts). The run's concurrency is the
 * stack's `maxConcurrencyFor` of that quota. Meanwhile users refresh their insights (bench/refresh-traffic.ts: the
 * production `InsightsService.refresh` and `runJob` on their own queue and worker pool, drawing on the same quota).
 * Time is a discrete-event clock (bench/simulation.ts): every figure is in simulated time unless it says "real".
 */
import './env';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Logger } from '@aws-lambda-powertools/logger';
import { enqueueRun } from '../functions/batch/enqueue';
import { BATCH_WORKER_TIMEOUT_SECONDS, type BatchMessage } from '../functions/batch/model';
import type { TaskQueue } from '../functions/batch/ports';
import { InMemoryBatchLedger, InMemoryTenantRegistry } from '../functions/batch/store';
import { workerSettings } from '../functions/batch/wiring';
import { handleRecords, type TenantGenerator, type WorkerDependencies } from '../functions/batch/worker';
import { insightJobsWorker } from '../functions/insights/workers';
import { StaticTokenProvider } from '../functions/shared/business-api/service-token';
import { MemoryQueue } from '../functions/shared/jobs/memory-queue';
import { maxConcurrencyFor } from '../lib/batch-concurrency';
import { printTable } from '../local/print-table';
import { drainQueue } from '../local/queue-workers';
import { startRefreshTraffic, type RefreshFigures } from './refresh-traffic';
import { SimulatedModel, SlidingWindowQuota, THROTTLED_CALL_MS } from './simulated-model';
import { seededRandom } from '../local/seeded-random';
import { EventClock } from './simulation';
import {
  atMost,
  count,
  distribution,
  equals,
  info,
  machineLine,
  printHeading,
  printNotes,
  verdictLine,
  type TargetResult,
} from './support';

/** The 10,000-tenant run's own target: done in at most 20 minutes. */
const TARGET_WALL_MINUTES = { tenants: 10_000, minutes: 20 } as const;
/** Every run's target: wall time at most this multiple of the quota's bound. */
const TARGET_BOUND_RATIO = 1.05;
/** A user's refresh is done within a minute of its request, however busy the night is. */
const TARGET_REFRESH_SECONDS = 60;
/** A generation takes between these multiples of the mean `--seconds-per-generation` (uniform). */
const GENERATION_SPREAD = { min: 0.4, max: 1.6 } as const;
/**
 * Share of the quota the run plans to use: near all of it, as a deployment whose quota is sized for its nightly run
 * sets `batchHeadroom` (README); the stack's default (0.8) leaves more for users at its smaller default quota.
 */
const HEADROOM = 0.97;
/** Longest an idle worker sleeps before it polls again (simulated ms): other workers may send meanwhile. */
const IDLE_POLL_MS = 1_000;
/** The run starts at 01:00 UTC on a fixed day, so runs are comparable. */
const RUN_START = Date.parse('2026-11-21T01:00:00.000Z');
const MINUTE_MS = 60_000;

const quiet = (): void => undefined;
/**
 * The run's logger: logs nothing, and each tenant's child logger is itself. The Powertools logger logs nothing here
 * either (bench/env.ts sets it SILENT), but builds a Console for every child, a quarter of the simulation's CPU.
 */
const silentLogger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  createChild: () => silentLogger,
} as unknown as Logger;

/** The simulation's parameters (from the command line). */
interface SimulationOptions {
  /** One run per tenant count. */
  readonly tenantCounts: readonly number[];
  /** The model's tokens-per-minute quota, what one generation uses of it, and how long one takes on average. */
  readonly quotaTpm: number;
  readonly tokensPerGeneration: number;
  readonly secondsPerGeneration: number;
  /** Share of the quota the run plans to use (maxConcurrencyFor's headroom). */
  readonly headroom: number;
  /** Users' refreshes per simulated minute during the run (on average). */
  readonly refreshesPerMinute: number;
  /** Share of messages SQS delivers twice (at-least-once delivery). */
  readonly duplicateRate: number;
  readonly batchSize: number;
  readonly seed: number;
}

const parseOptions = (argv: readonly string[]): SimulationOptions => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tenants: { type: 'string', default: '10000,100000' },
      'quota-tpm': { type: 'string', default: '3600000' },
      'tokens-per-generation': { type: 'string', default: '6000' },
      'seconds-per-generation': { type: 'string', default: '5' },
      headroom: { type: 'string', default: String(HEADROOM) },
      'refreshes-per-minute': { type: 'string', default: '4' },
      'duplicate-rate': { type: 'string', default: '0.01' },
      'batch-size': { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
    },
  });
  const positive = (name: string, text: string | undefined): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const option = (name: Exclude<keyof typeof values, 'tenants'>): number => positive(name, values[name]);
  const duplicateRate = Number(values['duplicate-rate']);
  if (!(duplicateRate >= 0 && duplicateRate < 1)) throw new Error('--duplicate-rate must be in [0, 1)');
  return {
    tenantCounts: values.tenants.split(',').map((text) => Math.round(positive('tenants', text))),
    quotaTpm: option('quota-tpm'),
    tokensPerGeneration: Math.round(option('tokens-per-generation')),
    secondsPerGeneration: option('seconds-per-generation'),
    headroom: option('headroom'),
    refreshesPerMinute: option('refreshes-per-minute'),
    duplicateRate,
    batchSize: Math.round(option('batch-size')),
    seed: Math.round(option('seed')),
  };
};

/** What the enqueue sees of the queue: SQS delivers a share of the messages twice (at-least-once). */
const atLeastOnce = (
  queue: MemoryQueue,
  random: () => number,
  duplicateRate: number,
): TaskQueue & { duplicates: number } => {
  const sender = {
    duplicates: 0,
    send: async (messages: readonly BatchMessage[], delaySeconds?: number): Promise<void> => {
      const copies = messages.filter(() => random() < duplicateRate);
      sender.duplicates += copies.length;
      await queue.send([...messages, ...copies], delaySeconds);
    },
  };
  return sender;
};

/**
 * The run's tenant generator on the simulated model: one generation per call (ModelUnavailableError when throttled),
 * counted per tenant-day so a second one shows. `allGenerated` resolves once every tenant has been generated.
 */
const batchGenerator = (
  model: SimulatedModel,
  tenants: number,
): { generate: TenantGenerator; generations: Map<string, number>; allGenerated: Promise<void> } => {
  const generations = new Map<string, number>();
  let resolveAll: () => void = () => undefined;
  const allGenerated = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const generate: TenantGenerator = async (message) => {
    await model.generate('batch');
    const key = `${message.day} ${message.tenantId}`;
    generations.set(key, (generations.get(key) ?? 0) + 1);
    if (generations.size === tenants) resolveAll();
    return {
      outcome: 'generated',
      tokens: model.tokensPerGeneration,
      costMicros: Math.round(model.tokensPerGeneration * 6),
    };
  };
  return { generate, generations, allGenerated };
};

/** What one simulated run measured. */
interface SimulationResult {
  readonly tenants: number;
  readonly concurrency: number;
  readonly done: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly doubleGenerated: number;
  readonly model: SimulatedModel;
  readonly duplicatesSent: number;
  readonly wallMs: number;
  readonly drainedMs: number;
  readonly latenciesMs: number[];
  readonly realMs: number;
  readonly summary: NonNullable<Awaited<ReturnType<InMemoryBatchLedger['summary']>>>;
  readonly refreshes: RefreshFigures;
}

/** Runs the nightly batch once for `tenants`, with users refreshing meanwhile. */
const simulate = async (options: SimulationOptions, tenants: number): Promise<SimulationResult> => {
  const realStart = performance.now();
  const random = seededRandom(options.seed);
  const clock = new EventClock(RUN_START);
  const settings = workerSettings();
  const ledger = new InMemoryBatchLedger();
  const registry = new InMemoryTenantRegistry(30, clock.date);
  const queue = new MemoryQueue({
    visibilityTimeoutSeconds: settings.holdSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    now: clock.now,
  });
  const meanMs = options.secondsPerGeneration * 1000;
  const model = new SimulatedModel(
    clock,
    random,
    new SlidingWindowQuota(options.quotaTpm),
    options.tokensPerGeneration,
    {
      min: GENERATION_SPREAD.min * meanMs,
      max: GENERATION_SPREAD.max * meanMs,
    },
  );
  const concurrency = maxConcurrencyFor({
    tokensPerMinute: options.quotaTpm,
    tokensPerGeneration: options.tokensPerGeneration,
    secondsPerGeneration: options.secondsPerGeneration,
    headroom: options.headroom,
  });

  const tenantIds = Array.from({ length: tenants }, (_, i) => `tenant-${String(i).padStart(6, '0')}`);
  for (const tenantId of tenantIds) await registry.add(tenantId, 'simulation', clock.date());
  const runId = 'simulated-run';
  const enqueueQueue = atLeastOnce(queue, random, options.duplicateRate);
  const traffic = startRefreshTraffic({ clock, random, model, tenantIds, perMinute: options.refreshesPerMinute });
  const { day } = await enqueueRun(
    { registry, queue: enqueueQueue, ledger, clock: clock.date, log: silentLogger },
    { runId },
  );

  const batch = batchGenerator(model, tenants);
  const deps: WorkerDependencies = {
    ledger,
    queue,
    tokens: new StaticTokenProvider('simulated-token'),
    generate: batch.generate,
    clock: clock.date,
    log: silentLogger,
    settings,
  };
  const drainedAt = drainQueue(
    queue,
    (records) => handleRecords(deps, records, clock.now() + BATCH_WORKER_TIMEOUT_SECONDS * 1000),
    {
      concurrency,
      batchSize: options.batchSize,
      idle: (next) => clock.sleep(Math.min(IDLE_POLL_MS, next - clock.now())),
    },
  ).then(clock.elapsed);
  // Users refresh while the run has tenants to generate (a run that fails some never generates them all).
  await Promise.race([batch.allGenerated, drainedAt]);
  const refreshes = await traffic.stop();
  const drainedMs = await drainedAt;

  const summary = await ledger.summary(runId);
  if (!summary) throw new Error('the simulated run has no summary');
  const finished = ledger.claims(day).filter((claim) => claim.status === 'done');
  const doneTenants = new Set(finished.map((claim) => claim.tenantId));
  const deadTenants = new Set(queue.deadLetters().map((letter) => (JSON.parse(letter.body) as BatchMessage).tenantId));
  const finishedAt = finished.map((claim) => Date.parse(claim.finishedAt ?? '') - RUN_START);
  return {
    tenants,
    concurrency,
    done: doneTenants.size,
    deadLettered: queue.deadLetters().length,
    lost: tenantIds.filter((tenantId) => !doneTenants.has(tenantId) && !deadTenants.has(tenantId)).length,
    doubleGenerated: [...batch.generations.values()].filter((generations) => generations > 1).length,
    model,
    duplicatesSent: enqueueQueue.duplicates,
    wallMs: finishedAt.reduce((latest, at) => Math.max(latest, at), 0),
    drainedMs,
    latenciesMs: finishedAt,
    realMs: performance.now() - realStart,
    summary,
    refreshes,
  };
};

/** `12.3 min (738 s)` of simulated ms. */
const minutes = (ms: number): string => `${(ms / MINUTE_MS).toFixed(1)} min (${count(ms / 1000)} s)`;
/** `12.3 s` of simulated ms. */
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `1.046x` */
const ratio3 = (value: number): string => `${value.toFixed(3)}x`;

/** Prints one run's figures and returns its verdicts. */
const report = (options: SimulationOptions, result: SimulationResult): TargetResult[] => {
  const { summary, refreshes, model } = result;
  const latency = distribution(result.latenciesMs);
  const refreshLatency = distribution(refreshes.latenciesMs);
  const wallMinutes = result.wallMs / MINUTE_MS;
  const boundMs = ((result.tenants * options.tokensPerGeneration) / options.quotaTpm) * MINUTE_MS;
  const workerTpm = (options.tokensPerGeneration * 60) / options.secondsPerGeneration;
  /** Share of the quota `generations` took over the wall time (users stop asking when the run ends). */
  const quotaShare = (generations: number): string =>
    `${(((generations * options.tokensPerGeneration) / options.quotaTpm / wallMinutes) * 100).toFixed(1)}%`;
  const [batchCalls, userCalls] = [model.calls.batch, model.calls.user];
  printTable(
    ['figure', 'value'],
    [
      [
        `workers: maxConcurrencyFor(headroom ${options.headroom})`,
        `${result.concurrency} (they plan ${(((result.concurrency * workerTpm) / options.quotaTpm) * 100).toFixed(1)}% of the quota)`,
      ],
      ['quota bound: tenants × tokens per generation / TPM', minutes(boundMs)],
      ['simulated wall time (enqueue → last tenant done)', minutes(result.wallMs)],
      ['  as a ratio to the quota bound', ratio3(result.wallMs / boundMs)],
      [
        'share of the quota used over the wall time: run / users',
        `${quotaShare(batchCalls.admitted)} / ${quotaShare(userCalls.admitted)}`,
      ],
      ['simulated time until the queue was empty', minutes(result.drainedMs)],
      ['throughput', `${count(result.done / wallMinutes)} tenants/min`],
      ['latency per tenant (enqueue → done) p50 / p99', `${minutes(latency.p50)} / ${minutes(latency.p99)}`],
      ['tenants enqueued / done', `${count(result.tenants)} / ${count(result.done)}`],
      [
        'outcomes: generated / duplicate / failed',
        `${count(summary.generated)} / ${count(summary.duplicate)} / ${count(summary.failed)}`,
      ],
      [
        'run: model calls admitted / throttled; retry_later',
        `${count(batchCalls.admitted)} / ${count(batchCalls.throttled)}; ${count(summary.retry_later)}`,
      ],
      ['duplicate deliveries sent (at-least-once)', count(result.duplicatesSent)],
      ['dead-lettered messages', count(result.deadLettered)],
      ['tenants lost (enqueued − done − DLQ)', count(result.lost)],
      ['tenants generated twice in a day', count(result.doubleGenerated)],
      [
        'refreshes: requested / refused (cooldown) / done / failed',
        [refreshes.requested, refreshes.refused, refreshes.done, refreshes.failed].map(count).join(' / '),
      ],
      [
        'refresh latency (submit → job done) p50 / p99 / max',
        [refreshLatency.p50, refreshLatency.p99, refreshLatency.max].map(seconds).join(' / '),
      ],
      [
        'refreshes: model calls admitted / throttled; jobs put back',
        `${count(userCalls.admitted)} / ${count(userCalls.throttled)}; ${count(refreshes.retriesLater)}`,
      ],
      [
        'on-demand queue: failed deliveries / dead-lettered',
        `${count(refreshes.failedDeliveries)} / ${count(refreshes.deadLettered)}`,
      ],
      ['real time of the simulation', `${(result.realMs / 1000).toFixed(1)} s`],
    ],
  );
  const run = `${count(result.tenants)} tenants`;
  return [
    ...(result.tenants === TARGET_WALL_MINUTES.tenants
      ? [atMost(`${run}: wall time`, wallMinutes, TARGET_WALL_MINUTES.minutes, (value) => `${value.toFixed(1)} min`)]
      : []),
    atMost(`${run}: wall time / quota bound`, result.wallMs / boundMs, TARGET_BOUND_RATIO, ratio3),
    equals(`${run}: tenants lost`, result.lost, 0, count),
    equals(`${run}: tenants generated twice`, result.doubleGenerated, 0, count),
    equals(`${run}: tenants failed`, summary.failed, 0, count),
    equals(`${run}: refreshes not done`, refreshes.queued - refreshes.done, 0, count),
    atMost(`${run}: slowest refresh (submit → done)`, refreshLatency.max, TARGET_REFRESH_SECONDS * 1000, seconds),
    info(`${run}: dead-lettered messages`, count(result.deadLettered)),
  ];
};

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2));
  const { min, max } = GENERATION_SPREAD;
  printHeading('Nightly batch simulation');
  process.stdout.write(`${machineLine()}\n`);
  printNotes(
    `Model: ${count(options.quotaTpm)} tokens a minute over a sliding 60-s window, shared by the run and users' jobs;`,
    `  ${count(options.tokensPerGeneration)} tokens per generation (${count(options.quotaTpm / options.tokensPerGeneration)} a minute), each taking ${(min * options.secondsPerGeneration).toFixed(1)}-${(max * options.secondsPerGeneration).toFixed(1)} s (uniform, seed ${options.seed}).`,
    `  A call that does not fit is throttled after ${THROTTLED_CALL_MS / 1000} s (the SDK's retries); the worker puts the tenant back with`,
    "  a jittered ~1, 2, 4 … min delay, and a user's job is put back by InsightsService.runJob.",
    `Run: maxConcurrencyFor(quota, ${options.secondsPerGeneration} s a generation, headroom ${options.headroom}) workers (lib/batch-concurrency.ts), running the`,
    `  production enqueue and worker (handleRecords → processTenant) on in-memory registry, ledger and queue; ${options.duplicateRate * 100}% of`,
    '  the messages are delivered twice. One delivered while its tenant is in progress comes back after the visibility',
    '  timeout as a `duplicate`, which is why the queue empties after the last tenant is done.',
    `Users: ${options.refreshesPerMinute} refreshes a minute on average (Poisson) until the last tenant is generated: InsightsService.refresh`,
    `  queues a job on the on-demand queue, ${insightJobsWorker.maxConcurrency} workers (insightJobsWorker) run InsightsService.runJob on in-memory stores.`,
    'Time moves by events (bench/simulation.ts): only when every worker waits, so neither CPU nor the load of the machine',
    '  changes a simulated figure; the real time is the CPU the simulation takes.',
  );
  const verdicts: TargetResult[] = [];
  for (const tenants of options.tenantCounts) {
    printHeading(`${count(tenants)} tenants`);
    verdicts.push(...report(options, await simulate(options, tenants)));
  }
  printHeading('Summary');
  // performance.now() counts from the start of the process: module loading included.
  printNotes(...verdicts.map(verdictLine), `Real time: ${(performance.now() / 1000).toFixed(1)} s`);
  process.exitCode = verdicts.some((result) => result.verdict === 'MISS') ? 1 : 0;
};

main().catch((error: unknown) => {
  process.stderr.write(
    `simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
