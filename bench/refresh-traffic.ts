/**
 * Users' refreshes during the simulated night: `POST /insights/refresh`'s use case (InsightsService.refresh) queues a
 * job on the on-demand queue, and a pool of the InsightJobs worker's size works it off with the production
 * `InsightsService.runJob` on in-memory twins, the model's set written by the simulated model (the same quota as the
 * nightly run). What stands in for the Lambda handler (functions/insights/handlers/run-insight-job.ts, which builds
 * the DynamoDB-backed service when it loads) is `handleJobRecords` below: parse, build the invocation, run the job.
 */
import { serviceCaller } from '../functions/shared/caller';
import type { BusinessData } from '../functions/shared/business-api/port';
import type { BusinessSnapshot } from '../functions/shared/business-api/model';
import type { Generation, GenerationInput, InsightGenerator } from '../functions/insights/generation';
import { RulesInsightGenerator } from '../functions/insights/rules-insight-generator';
import { InsightsService } from '../functions/insights/service';
import { InMemoryInsightStore } from '../functions/insights/store';
import { insightsSettings } from '../functions/insights/wiring';
import { insightJobsWorker } from '../functions/insights/workers';
import { RateLimitedError } from '../functions/shared/errors';
import { startInvocation } from '../functions/shared/invocation';
import { MemoryQueue } from '../functions/shared/jobs/memory-queue';
import { jobMessageSchema, type Job, type JobMessage } from '../functions/shared/jobs/model';
import type { ReceivedRecord } from '../functions/shared/jobs/queue';
import { InMemoryJobStore } from '../functions/shared/jobs/store';
import { WORKER_MAX_RECEIVE_COUNT } from '../functions/shared/jobs/worker-definition';
import { logger } from '../functions/shared/observability';
import { deliverOnce } from '../local/queue-workers';
import type { SimulatedModel } from './simulated-model';
import type { VirtualClock } from './simulation';

/** How long an idle on-demand worker waits before it polls again (simulated ms; SQS long polling answers sooner). */
const POLL_MS = 1_000;

/** The business data every simulated tenant has: a foundation, a goal at risk, an overdue action and a score. */
class SimulatedBusinessData implements BusinessData {
  constructor(private readonly clock: VirtualClock) {}

  async snapshot(request: { readonly tenantId: string }): Promise<BusinessSnapshot> {
    return {
      tenantId: request.tenantId,
      fetchedAt: this.clock.date().toISOString(),
      foundation: { businessName: 'Simulated Ltd', industry: 'Services', mission: 'Serve customers well.' },
      goals: [{ id: 'g1', title: 'Grow revenue by 20%', status: 'at_risk', progress: 30, targetDate: '2026-12-31' }],
      performance: { overallScore: 58, trend: 'down' },
      actions: [{ id: 'a1', title: 'Call the ten largest customers', status: 'open', dueDate: '2026-11-01' }],
      gaps: [],
      dropped: {},
    };
  }
}

/**
 * The model-backed writer of a user's job: one generation of the simulated model (throttled: ModelUnavailableError,
 * as the Bedrock adapter throws it), whose drafts are the rules' ones for the same input, marked as the model's.
 */
class SimulatedModelInsights implements InsightGenerator {
  private readonly rules = new RulesInsightGenerator();

  constructor(private readonly model: SimulatedModel) {}

  async generate(input: GenerationInput): Promise<Generation> {
    await this.model.generate('user');
    const { drafts } = await this.rules.generate(input);
    return {
      drafts: drafts.map((draft) => ({ ...draft, source: 'llm' })),
      provenance: { promptTopic: 'simulated', promptVersion: 'simulated', modelId: 'simulated', outcome: 'ok' },
      usage: { tokens: this.model.tokensPerGeneration, costMicros: this.model.tokensPerGeneration * 6 },
    };
  }
}

/** What the night's refreshes came to. */
export interface RefreshFigures {
  /** Refreshes users asked for. */
  readonly requested: number;
  /** Refused with 429: the tenant had refreshed within the cooldown. */
  readonly refused: number;
  /** Jobs queued (one per refresh that was not refused). */
  readonly queued: number;
  readonly done: number;
  readonly failed: number;
  /** Submit → job done, simulated ms, of each job done. */
  readonly latenciesMs: readonly number[];
  /** Deliveries that found the model throttled and put their job back for later. */
  readonly retriesLater: number;
  /** Deliveries whose outcome could not be recorded (they come back after the visibility timeout). */
  readonly failedDeliveries: number;
  readonly deadLettered: number;
}

/** Refreshes submitted while the night runs, until `stop`. */
export interface RefreshTraffic {
  /** Stops submitting, waits until every job submitted has been worked off, and reports. */
  stop(): Promise<RefreshFigures>;
}

/**
 * Starts users' refreshes at `perMinute` on average (Poisson arrivals, seeded), each for a tenant drawn from
 * `tenantIds`, and the on-demand worker pool (insightJobsWorker.maxConcurrency workers) that works them off.
 */
export const startRefreshTraffic = (options: {
  readonly clock: VirtualClock;
  readonly random: () => number;
  readonly model: SimulatedModel;
  readonly tenantIds: readonly string[];
  readonly perMinute: number;
}): RefreshTraffic => {
  const { clock, random } = options;
  const jobs = new InMemoryJobStore(clock.date);
  const queue = new MemoryQueue<JobMessage>({
    visibilityTimeoutSeconds: 6 * insightJobsWorker.timeoutSeconds,
    maxReceiveCount: WORKER_MAX_RECEIVE_COUNT,
    now: clock.now,
  });
  const service = new InsightsService({
    store: new InMemoryInsightStore(),
    jobs,
    queue,
    businessData: new SimulatedBusinessData(clock),
    rules: new RulesInsightGenerator(),
    model: new SimulatedModelInsights(options.model),
    metrics: { addMetric: () => undefined },
    settings: insightsSettings(),
    clock: clock.date,
  });
  const queued: { readonly tenantId: string; readonly jobId: string }[] = [];
  let refused = 0;
  let retriesLater = 0;
  let failedDeliveries = 0;
  let submitting = true;

  const invocationFor = (tenantId: string, userId: string, correlationId: string) =>
    startInvocation({
      caller: serviceCaller(tenantId, userId, 'simulated-token'),
      correlationId,
      log: logger,
      deadlineAt: clock.now() + insightJobsWorker.timeoutSeconds * 1000,
      clock: clock.now,
    });

  const submit = async (): Promise<void> => {
    while (submitting) {
      await clock.sleep((-Math.log(1 - random()) * 60_000) / options.perMinute);
      if (!submitting) return;
      const tenantId = options.tenantIds[Math.floor(random() * options.tenantIds.length)] as string;
      try {
        const job = await service.refresh(invocationFor(tenantId, 'user', `refresh:${tenantId}`).invocation);
        queued.push({ tenantId, jobId: job.jobId });
      } catch (error) {
        if (!(error instanceof RateLimitedError)) throw error;
        refused += 1;
      }
    }
  };

  /** The worker's handling of one delivery: each record is one tenant's job, run to its recorded outcome. */
  const handleJobRecords = async (records: readonly ReceivedRecord[]) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of records) {
      const message = jobMessageSchema.parse(JSON.parse(record.body));
      const scope = invocationFor(message.tenantId, 'insights-job', `job:${message.jobId}`);
      try {
        if ((await service.runJob(scope.invocation, message)) === 'retry_later') retriesLater += 1;
      } catch {
        failedDeliveries += 1;
        failures.push({ itemIdentifier: record.messageId });
      } finally {
        await scope.settle();
      }
    }
    return { batchItemFailures: failures };
  };

  const work = async (): Promise<void> => {
    while (submitting || queue.depth() > 0 || queue.inFlight() > 0) {
      if ((await deliverOnce(queue, handleJobRecords, 1)).length === 0) await clock.sleep(POLL_MS);
    }
  };

  const running = Promise.all([submit(), ...Array.from({ length: insightJobsWorker.maxConcurrency }, work)]);

  return {
    stop: async () => {
      submitting = false;
      await running;
      const finished = await Promise.all(queued.map(({ tenantId, jobId }) => jobs.get(tenantId, jobId)));
      const done = finished.filter((job): job is Job => job?.status === 'done');
      return {
        requested: queued.length + refused,
        refused,
        queued: queued.length,
        done: done.length,
        failed: finished.filter((job) => job?.status === 'failed').length,
        latenciesMs: done.map((job) => Date.parse(job.finishedAt ?? job.createdAt) - Date.parse(job.createdAt)),
        retriesLater,
        failedDeliveries,
        deadLettered: queue.deadLetters().length,
      };
    },
  };
};
