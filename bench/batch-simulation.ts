/**
 * `npm run bench:batch -- --tenants 10000 [--concurrency 50] [--time-factor 200]`: the nightly run, simulated in
 * process. The production enqueue (`enqueueRun`) and worker (`handleRecords` → `processTenant`: per-day claims,
 * retry-later on a throttled model, duplicates on redelivery) run against in-memory stand-ins with the DynamoDB
 * adapters' semantics (registry, ledger), the in-memory SQS queue, and a simulated model: each generation takes 2-8 s
 * (uniform, seeded), and more than the quota's generations starting in one minute are throttled. A virtual clock runs
 * `--time-factor` times faster than the real one; every figure is in simulated time unless it says "real".
 */
import './env';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { enqueueRun } from '../functions/batch/enqueue';
import { InMemoryBatchLedger, InMemoryTenantRegistry } from '../functions/batch/store';
import { BATCH_WORKER_TIMEOUT_SECONDS, type BatchMessage } from '../functions/batch/model';
import type { TaskQueue } from '../functions/batch/ports';
import { StaticTokenProvider } from '../functions/shared/business-api/service-token';
import { workerSettings } from '../functions/batch/wiring';
import { handleRecords, type TenantGenerator, type WorkerDependencies } from '../functions/batch/worker';
import type { BatchGeneration } from '../functions/insights/service';
import { logger } from '../functions/shared/observability';
import { MemoryQueue } from '../functions/shared/jobs/memory-queue';
import { drainQueue } from '../local/queue-workers';
import { printTable } from '../local/print-table';
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
import { ModelUnavailableError } from '../functions/shared/errors';

/** The targets: 10,000 tenants at 50-way in at most 20 minutes, none lost, none generated twice. */
const TARGET_WALL_MINUTES = 20;
/** Simulated length of one generation: uniform between these (ms). */
const GENERATION_MS = { min: 2_000, max: 8_000 } as const;
/** A throttled call fails after the Bedrock SDK's own retries (ms). */
const THROTTLED_CALL_MS = 1_500;
/** Longest an idle worker sleeps before it polls again (simulated ms): other workers may send meanwhile. */
const IDLE_POLL_MS = 1_000;
/** The run starts at 01:00 UTC on a fixed day, so runs are comparable. */
const RUN_START = Date.parse('2026-11-21T01:00:00.000Z');
const MINUTE_MS = 60_000;

/** The simulation's parameters (from the command line). */
interface SimulationOptions {
  readonly tenants: number;
  readonly concurrency: number;
  readonly timeFactor: number;
  /** The model's tokens-per-minute quota and what one generation uses: their ratio is the generations per minute. */
  readonly quotaTpm: number;
  readonly tokensPerGeneration: number;
  /** Share of messages SQS delivers twice (at-least-once delivery). */
  readonly duplicateRate: number;
  readonly batchSize: number;
  readonly seed: number;
}

const parseOptions = (argv: readonly string[]): SimulationOptions => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tenants: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '50' },
      'time-factor': { type: 'string', default: '200' },
      'quota-tpm': { type: 'string', default: '3600000' },
      'tokens-per-generation': { type: 'string', default: '6000' },
      'duplicate-rate': { type: 'string', default: '0.01' },
      'batch-size': { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
    },
  });
  const positive = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const duplicateRate = Number(values['duplicate-rate']);
  if (!(duplicateRate >= 0 && duplicateRate < 1)) throw new Error('--duplicate-rate must be in [0, 1)');
  return {
    tenants: Math.round(positive('tenants')),
    concurrency: Math.round(positive('concurrency')),
    timeFactor: positive('time-factor'),
    quotaTpm: positive('quota-tpm'),
    tokensPerGeneration: Math.round(positive('tokens-per-generation')),
    duplicateRate,
    batchSize: Math.round(positive('batch-size')),
    seed: Math.round(positive('seed')),
  };
};

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Simulated time: `factor` times the real time elapsed since it was created, from RUN_START. */
interface VirtualClock {
  now(): number;
  date(): Date;
  /** Simulated ms since the start. */
  elapsed(): number;
  /** Waits `ms` of simulated time. */
  sleep(ms: number): Promise<void>;
}

const virtualClock = (factor: number): VirtualClock => {
  const realStart = performance.now();
  const elapsed = (): number => (performance.now() - realStart) * factor;
  return {
    now: () => RUN_START + elapsed(),
    date: () => new Date(RUN_START + elapsed()),
    elapsed,
    sleep: (ms) => sleep(Math.max(0, ms) / factor),
  };
};

/** The simulated model's counters. */
interface ModelStats {
  throttles: number;
  /** Generations per tenant-day (`<day> <tenant>`): more than one is a double generation. */
  readonly generations: Map<string, number>;
}

/**
 * The tenant generator with a simulated model behind it: throttles (ModelUnavailableError, as the Bedrock adapter
 * raises it) when the minute's quota of generation starts is used up, else takes 2-8 s and reports its tokens.
 */
const simulatedGenerator = (
  clock: VirtualClock,
  random: () => number,
  generationsPerMinute: number,
  tokensPerGeneration: number,
  stats: ModelStats,
): TenantGenerator => {
  const startsByMinute = new Map<number, number>();
  return async (message: BatchMessage): Promise<BatchGeneration> => {
    const minute = Math.floor(clock.elapsed() / MINUTE_MS);
    const started = startsByMinute.get(minute) ?? 0;
    if (started >= generationsPerMinute) {
      stats.throttles += 1;
      await clock.sleep(THROTTLED_CALL_MS);
      throw new ModelUnavailableError('Too many tokens per minute (simulated ThrottlingException)');
    }
    startsByMinute.set(minute, started + 1);
    const key = `${message.day} ${message.tenantId}`;
    stats.generations.set(key, (stats.generations.get(key) ?? 0) + 1);
    await clock.sleep(GENERATION_MS.min + random() * (GENERATION_MS.max - GENERATION_MS.min));
    return { outcome: 'generated', tokens: tokensPerGeneration, costMicros: Math.round(tokensPerGeneration * 6) };
  };
};

/** The queue as the enqueue sees it: SQS delivers a share of the messages twice (at-least-once). */
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

/** What a simulated run measured. */
interface SimulationResult {
  readonly enqueued: number;
  readonly done: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly doubleGenerated: number;
  readonly throttles: number;
  readonly duplicatesSent: number;
  readonly wallMs: number;
  readonly drainedMs: number;
  readonly latenciesMs: number[];
  readonly realMs: number;
  readonly summary: NonNullable<Awaited<ReturnType<InMemoryBatchLedger['summary']>>>;
}

/** Runs the nightly batch once in simulated time. */
const simulate = async (options: SimulationOptions): Promise<SimulationResult> => {
  const realStart = performance.now();
  const random = seededRandom(options.seed);
  const clock = virtualClock(options.timeFactor);
  const settings = workerSettings();
  const ledger = new InMemoryBatchLedger();
  const registry = new InMemoryTenantRegistry(30, clock.date);
  const queue = new MemoryQueue({
    visibilityTimeoutSeconds: settings.holdSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    now: clock.now,
  });
  const stats: ModelStats = { throttles: 0, generations: new Map() };
  const generationsPerMinute = Math.floor(options.quotaTpm / options.tokensPerGeneration);

  const tenantIds = Array.from({ length: options.tenants }, (_, i) => `tenant-${String(i).padStart(6, '0')}`);
  for (const tenantId of tenantIds) await registry.add(tenantId, 'simulation', clock.date());
  const runId = 'simulated-run';
  const enqueueQueue = atLeastOnce(queue, random, options.duplicateRate);
  const { day } = await enqueueRun(
    { registry, queue: enqueueQueue, ledger, clock: clock.date, log: logger },
    { runId },
  );

  const deps: WorkerDependencies = {
    ledger,
    queue,
    tokens: new StaticTokenProvider('simulated-token'),
    generate: simulatedGenerator(clock, random, generationsPerMinute, options.tokensPerGeneration, stats),
    clock: clock.date,
    log: logger,
    settings,
  };
  await drainQueue(
    queue,
    (records) => handleRecords(deps, records, clock.now() + BATCH_WORKER_TIMEOUT_SECONDS * 1000),
    {
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      idle: (next) => clock.sleep(Math.min(IDLE_POLL_MS, next - clock.now())),
    },
  );
  const drainedMs = clock.elapsed();

  const summary = await ledger.summary(runId);
  if (!summary) throw new Error('the simulated run has no summary');
  const finished = ledger.claims(day).filter((claim) => claim.status === 'done');
  const doneTenants = new Set(finished.map((claim) => claim.tenantId));
  const deadTenants = new Set(queue.deadLetters().map((letter) => (JSON.parse(letter.body) as BatchMessage).tenantId));
  const finishedAt = finished.map((claim) => Date.parse(claim.finishedAt ?? '') - RUN_START);
  return {
    enqueued: tenantIds.length,
    done: doneTenants.size,
    deadLettered: queue.deadLetters().length,
    lost: tenantIds.filter((tenantId) => !doneTenants.has(tenantId) && !deadTenants.has(tenantId)).length,
    doubleGenerated: [...stats.generations.values()].filter((generations) => generations > 1).length,
    throttles: stats.throttles,
    duplicatesSent: enqueueQueue.duplicates,
    wallMs: Math.max(0, ...finishedAt),
    drainedMs,
    latenciesMs: finishedAt,
    realMs: performance.now() - realStart,
    summary,
  };
};

/** `12.3 min (738 s)` of simulated ms. */
const minutes = (ms: number): string => `${(ms / MINUTE_MS).toFixed(1)} min (${count(ms / 1000)} s)`;

/** Prints the run's figures and returns its verdicts. */
const report = (options: SimulationOptions, result: SimulationResult): TargetResult[] => {
  const { summary } = result;
  const latency = distribution(result.latenciesMs);
  const perMinute = result.done / (result.wallMs / MINUTE_MS);
  printTable(
    ['figure', 'value'],
    [
      ['simulated wall time (enqueue → last tenant done)', minutes(result.wallMs)],
      [
        '  lower bound: tenants × mean generation / workers',
        minutes((options.tenants * (GENERATION_MS.min + GENERATION_MS.max)) / 2 / options.concurrency),
      ],
      ['simulated time until the queue was empty', minutes(result.drainedMs)],
      ['real time of the simulation', `${(result.realMs / 1000).toFixed(1)} s`],
      ['throughput', `${count(perMinute)} tenants/min`],
      ['latency per tenant (enqueue → done) p50', minutes(latency.p50)],
      ['latency per tenant (enqueue → done) p99', minutes(latency.p99)],
      ['tenants enqueued / done', `${count(result.enqueued)} / ${count(result.done)}`],
      [
        'outcomes: generated / duplicate / failed',
        `${count(summary.generated)} / ${count(summary.duplicate)} / ${count(summary.failed)}`,
      ],
      ['model throttles / retry_later (re-enqueued)', `${count(result.throttles)} / ${count(summary.retry_later)}`],
      ['duplicate deliveries sent (at-least-once)', count(result.duplicatesSent)],
      ['dead-lettered messages', count(result.deadLettered)],
      ['tenants lost (enqueued − done − DLQ)', count(result.lost)],
      ['tenants generated twice in a day', count(result.doubleGenerated)],
    ],
  );
  const results = [
    atMost(
      `Simulated wall time, ${count(options.tenants)} tenants at ${options.concurrency}-way`,
      result.wallMs / MINUTE_MS,
      TARGET_WALL_MINUTES,
      (value) => `${value.toFixed(1)} min`,
    ),
    equals('Tenants lost', result.lost, 0, count),
    equals('Tenants generated twice', result.doubleGenerated, 0, count),
    info('Dead-lettered messages', count(result.deadLettered)),
  ];
  printNotes(
    `Model: ${count(Math.floor(options.quotaTpm / options.tokensPerGeneration))} generation starts per minute (${count(options.quotaTpm)} TPM / ${count(options.tokensPerGeneration)} tokens each); more are throttled`,
    `  after ${THROTTLED_CALL_MS / 1000} s (the SDK's retries), and the worker puts the tenant back with a jittered ~1, 2, 4 … min delay.`,
    `Generations take ${GENERATION_MS.min / 1000}-${GENERATION_MS.max / 1000} s (uniform, seed ${options.seed}); ${options.concurrency} workers, ${options.batchSize} message(s) per receive, visibility timeout ${workerSettings().holdSeconds} s.`,
    `Clock: ${options.timeFactor}× real time, so timer and CPU jitter of the real process is magnified ${options.timeFactor}× in the simulated figures.`,
    'The worker is the production code (handleRecords → processTenant) on in-memory registry, ledger and queue.',
    'A duplicate delivered while its tenant is in progress fails as busy and comes back after the visibility timeout',
    '  as a `duplicate`: it can keep the queue busy after the last tenant is done, which is why the queue empties later.',
    ...results.map(verdictLine),
  );
  return results;
};

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2));
  printHeading(
    `Nightly batch simulation: ${count(options.tenants)} tenants, ${options.concurrency}-way, time ×${options.timeFactor}`,
  );
  process.stdout.write(`${machineLine()}\n`);
  const results = report(options, await simulate(options));
  process.exitCode = results.some((result) => result.verdict === 'MISS') ? 1 : 0;
};

main().catch((error: unknown) => {
  process.stderr.write(
    `simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
