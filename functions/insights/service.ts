import { DEFAULT_TIME_ZONE } from '../shared/calendar';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { onBehalfOf, type BusinessData } from '../shared/business-api/port';
import { sourceNames, type BusinessSnapshot } from '../shared/business-api/model';
import {
  AppError,
  ConflictError,
  GenerationFailedError,
  NoBusinessDataError,
  NotFoundError,
  RateLimitedError,
  ServiceBusyError,
  UpstreamUnavailableError,
} from '../shared/errors';
import type { Invocation } from '../shared/invocation';
import { generationOf, isActive, jobView, type Generation, type Job, type JobMessage } from '../shared/jobs/model';
import type { Queue } from '../shared/jobs/queue';
import { workJob, type JobOutcome } from '../shared/jobs/work';
import type { JobStore } from '../shared/jobs/store';
import type { MetricsRecorder } from '../shared/observability';
import { fingerprintOf, type Generation as DraftGeneration, type InsightGenerator } from './generation';
import type { Insight, InsightSet, InsightStatus, ListInsightsQuery } from './model';
import { countInsights, matchingInsights, type InsightPage } from './query';
import { pageByOffset } from '../shared/pagination';
import { computeSignals } from './signals';
import type { MetricHistoryStore } from '../shared/metrics/store';
import { recordSnapshotTrends } from '../shared/metrics/tenant-trends';
import type { InsightStore } from './store';

/** The job kind of an insight generation; at most one is active per tenant. */
export const INSIGHTS_JOB_KIND = 'insights';

/** Tunables of the insights use cases (from config). */
export interface InsightsSettings {
  readonly ttlHours: number;
  readonly refreshCooldownSeconds: number;
  readonly dismissSuppressionDays: number;
  /** How long a started job holds the tenant's slot before another may start (its queue wait and its run). */
  readonly jobHoldSeconds: number;
  /** After a failed job, the next read starts another only once this long has passed. */
  readonly retryFailedAfterSeconds: number;
  /** Deliveries of a job whose model keeps throttling before it counts as failed. */
  readonly jobMaxAttempts: number;
  /** The IANA time zone the tenants' calendars are read in ("overdue" is judged there); UTC when absent. */
  readonly timeZone?: string;
}

/** The ports and settings the insights service runs on. */
export interface InsightsDependencies {
  readonly store: InsightStore;
  readonly jobs: JobStore;
  /** Where generation jobs go (the on-demand queue, apart from the nightly run's). */
  readonly queue: Queue<JobMessage>;
  readonly businessData: BusinessData;
  /** The deterministic writer: a miss is answered with its set at once; the only writer under the rules provider. */
  readonly rules: InsightGenerator;
  /** The model-backed writer the jobs run; absent under the rules provider (then a miss is answered by the rules). */
  readonly model?: InsightGenerator;
  readonly metrics: MetricsRecorder;
  readonly settings: InsightsSettings;
  readonly clock: () => Date;
  /**
   * The tenants' daily metric history: each generation records the day's metrics of the snapshot it read and
   * hands the history's trends to the writer. Absent: no history is kept, and no trend is claimed.
   */
  readonly metricHistory?: { readonly store: MetricHistoryStore; readonly retentionDays: number };
}

/** A set as served, with the job behind it. */
interface ServedSet {
  readonly set: InsightSet;
  /** Past its expiry: the newer set is still being made (or could not be). */
  readonly stale: boolean;
  readonly job?: Job;
}

/** What the nightly run did for one tenant. */
export interface BatchGeneration {
  readonly outcome: 'generated' | 'from_cache' | 'fallback';
  readonly tokens: number;
  readonly costMicros: number;
}

/** Where a set's insights come from: the model, or the deterministic rules. */
export type SetSource = 'llm' | 'rules';

/** Response body of the list route. */
export type InsightPageResponse = InsightPage &
  Pick<InsightSet, 'generatedAt' | 'expiresAt' | 'dataGaps' | 'provenance'> & {
    readonly stale: boolean;
    readonly source: SetSource;
    readonly generation?: Generation;
  };

const isFresh = (set: InsightSet, now: Date): boolean => new Date(set.expiresAt).getTime() > now.getTime();

/** The rules wrote a set when no model was used, or when the model could not be (a fallback). */
const sourceOf = (set: InsightSet): SetSource =>
  set.provenance.outcome === 'ok' || set.provenance.outcome === 'repaired' ? 'llm' : 'rules';

const hasAnyData = (snapshot: BusinessSnapshot): boolean =>
  snapshot.foundation !== undefined ||
  (snapshot.goals?.length ?? 0) > 0 ||
  snapshot.performance?.overallScore !== undefined ||
  (snapshot.actions?.length ?? 0) > 0 ||
  (snapshot.issues?.length ?? 0) > 0;

const newInsightId = (): string => randomBytes(9).toString('base64url');

/** How long, and how often, a request waits for the set another request is writing (rules provider). */
const AWAIT_SET_MS = 3_000;
const AWAIT_POLL_MS = 50;
/** How often a new set is merged and re-saved when status changes keep racing it. */
const SAVE_ATTEMPTS = 3;

/**
 * The set as the continuation of `previous`: an insight with the same fingerprint as one there keeps its id (so a
 * link to it survives a regeneration) and, when it was dismissed or acknowledged, its status and time.
 */
const continuing = (set: InsightSet, previous: InsightSet | undefined): InsightSet => {
  const earlierByFingerprint = new Map(previous?.insights.map((insight) => [insight.fingerprint, insight]));
  const taken = new Set<string>();
  return {
    ...set,
    insights: set.insights.map((insight) => {
      const earlier = earlierByFingerprint.get(insight.fingerprint);
      if (!earlier || taken.has(earlier.id)) return insight;
      taken.add(earlier.id);
      const status = earlier.status === 'active' ? {} : { status: earlier.status, updatedAt: earlier.updatedAt };
      return { ...insight, id: earlier.id, ...status };
    }),
  };
};

/** How a generation writes: which writer, what it is metered as, and whether a model failure is thrown. */
interface GenerationMode {
  readonly generator: InsightGenerator;
  readonly requestType: 'insights' | 'batch';
  /** A model failure (not a spent budget) fails the generation instead of falling back to the rules. */
  readonly strict: boolean;
  /**
   * The rules' stand-in for a tenant with no set while the model's is made: stored only where there is still no set;
   * when another request (or the job) stored one first, that one is the answer.
   */
  readonly standIn?: boolean;
}

/**
 * The insights use cases. A read never waits for a model: it serves the tenant's fresh set; on a miss, the older set
 * (stale) or a set the rules write at once, while the model's set is made by a job on the on-demand queue (one job
 * per tenant at a time). A job replaces the set when it finishes, keeping the dismissals and acknowledgements made
 * meanwhile. Under the rules provider there is no model: the rules' set is the answer, made in the request.
 */
export class InsightsService {
  constructor(private readonly deps: InsightsDependencies) {}

  /** A page of the tenant's current insights, with the job behind them. */
  async list(invocation: Invocation, query: ListInsightsQuery): Promise<InsightPageResponse> {
    return this.pageOf(invocation, await this.current(invocation), query);
  }

  /** Counts of the current set by category, priority and status. */
  async summary(invocation: Invocation): Promise<
    ReturnType<typeof countInsights> & {
      generatedAt: string;
      expiresAt: string;
      stale: boolean;
      source: SetSource;
      generation?: Generation;
    }
  > {
    const { set, stale, job } = await this.current(invocation);
    return {
      ...countInsights(set.insights),
      generatedAt: set.generatedAt,
      expiresAt: set.expiresAt,
      stale,
      source: sourceOf(set),
      ...(job ? { generation: generationOf(job) } : {}),
    };
  }

  /**
   * The tenant's stored set as it stands (fresh, or stale past its expiry) and who wrote it, or undefined without one:
   * a read that never starts a job nor writes a set (for views that only report what is there).
   */
  async cached(invocation: Invocation): Promise<{ set: InsightSet; stale: boolean; source: SetSource } | undefined> {
    const set = await this.deps.store.currentSet(invocation.caller.tenantId);
    return set && { set, stale: !isFresh(set, this.deps.clock()), source: sourceOf(set) };
  }

  /**
   * Starts a new generation now, ignoring the cache; at most once per tenant per cooldown (429 with Retry-After).
   * Answers with the job (the one already running, if there is one). Under the rules provider it runs at once.
   */
  async refresh(invocation: Invocation): Promise<ReturnType<typeof jobView>> {
    const { store, settings, clock } = this.deps;
    const claim = await store.claimRefresh(invocation.caller.tenantId, clock(), settings.refreshCooldownSeconds);
    if (!claim.ok) {
      throw new RateLimitedError(
        `Insights can be refreshed once every ${Math.round(settings.refreshCooldownSeconds / 60)} minutes`,
        claim.retryAfterSeconds,
      );
    }
    if (!this.deps.model) {
      const { job } = await this.generateNow(invocation, await store.currentSet(invocation.caller.tenantId), 'refresh');
      return jobView(job);
    }
    return jobView(await this.startJob(invocation, 'refresh'));
  }

  /** One of the tenant's generation jobs (another tenant's id is not found). */
  async job(invocation: Invocation, jobId: string): Promise<ReturnType<typeof jobView>> {
    const job = await this.deps.jobs.get(invocation.caller.tenantId, jobId);
    if (!job || job.kind !== INSIGHTS_JOB_KIND) throw new NotFoundError(`No insights job "${jobId}"`);
    return jobView(job);
  }

  /**
   * Works one job off the queue (the worker's invocation carries the service token and the worker's deadline): takes
   * the job (a redelivery of a finished or taken job is skipped), has the model write the set and stores it. A model
   * that keeps throttling puts the job back with a growing delay; any other model failure fails the job with its
   * reason and leaves the set that is there (the rules' one) in place. Each outcome is counted
   * (`InsightJobOutcome_<outcome>`: failed jobs are alarmed).
   */
  async runJob(invocation: Invocation, message: JobMessage): Promise<JobOutcome> {
    const { jobs, queue, settings, clock } = this.deps;
    const outcome = await workJob(
      { jobs, queue, clock, holdSeconds: settings.jobHoldSeconds, maxAttempts: settings.jobMaxAttempts },
      invocation,
      message,
      {
        name: 'insights job',
        take: async () => message,
        run: async () => {
          await this.generateWithModel(invocation, 'insights');
        },
      },
    );
    this.deps.metrics.addMetric(`InsightJobOutcome_${outcome}`, MetricUnit.Count, 1);
    return outcome;
  }

  /**
   * The nightly run's generation for one tenant (a service token in the invocation): keeps a set made since
   * `freshSince`, else generates with the model as a job of its own (so it never overlaps a user's job; a spent budget
   * writes the rules' set). A tenant without data, or whose sources all fail, is an UpstreamUnavailableError, one the
   * services have no records of a NoBusinessDataError (both skipped); an unavailable model is a ModelUnavailableError
   * (retried); a user's job in progress is a ServiceBusyError.
   */
  async generateForBatch(invocation: Invocation, freshSince: Date): Promise<BatchGeneration> {
    const { store, jobs, settings, clock } = this.deps;
    const tenantId = invocation.caller.tenantId;
    const existing = await store.currentSet(tenantId);
    const now = clock();
    if (existing && isFresh(existing, now) && Date.parse(existing.generatedAt) >= freshSince.getTime()) {
      return { outcome: 'from_cache', tokens: 0, costMicros: 0 };
    }
    const start = await jobs.start(
      this.newJob(invocation, 'nightly'),
      now,
      now.getTime() + settings.jobHoldSeconds * 1000,
    );
    if (!start.started) throw new ServiceBusyError('Another generation for this tenant is in progress', 30);
    const { jobId } = start.job;
    await jobs.claim(tenantId, jobId, clock(), invocation.deadline.at + 60_000);
    try {
      const { set, usage } = await this.generateWithModel(invocation, 'batch');
      await jobs.finish(tenantId, jobId, 'done', clock());
      return {
        // `rules` is the configured writer (no model here); `fallback` means the model could not be used.
        outcome: set.provenance.outcome === 'fallback' ? 'fallback' : 'generated',
        tokens: usage?.tokens ?? 0,
        costMicros: usage?.costMicros ?? 0,
      };
    } catch (error) {
      await jobs.finish(tenantId, jobId, 'failed', clock(), error instanceof AppError ? error.code : 'internal_error');
      throw error;
    }
  }

  /**
   * Sets an insight's status; the last change wins. Dismissing also suppresses the same insight in later sets;
   * acknowledging lifts that suppression (an acknowledged insight stays, acknowledged, in later sets). Idempotent.
   */
  async setStatus(
    invocation: Invocation,
    insightId: string,
    status: Exclude<InsightStatus, 'active'>,
  ): Promise<Insight> {
    const { store, settings, clock } = this.deps;
    const now = clock();
    const insight = await store.updateStatus(invocation.caller.tenantId, insightId, status, now);
    if (!insight) throw new NotFoundError(`No insight with id "${insightId}"`);
    if (status === 'dismissed') {
      const until = new Date(now.getTime() + settings.dismissSuppressionDays * 86_400_000);
      await store.suppress(
        invocation.caller.tenantId,
        { fingerprint: insight.fingerprint, title: insight.title },
        until,
      );
    } else {
      await store.unsuppress(invocation.caller.tenantId, insight.fingerprint);
    }
    invocation.log.info('insight status changed', { insightId, status });
    return insight;
  }

  /** A page of the served set; its cursor opens only on this set, with these filters, of this tenant. */
  private async pageOf(
    invocation: Invocation,
    { set, stale, job }: ServedSet,
    query: ListInsightsQuery,
  ): Promise<InsightPageResponse> {
    const matching = matchingInsights(set.insights, query);
    const scope = ['insights', invocation.caller.tenantId, set.setId, query.status, query.category, query.priority];
    const page = await pageByOffset(scope.join('|'), matching, query);
    return {
      ...page,
      pageSize: query.pageSize,
      total: matching.length,
      generatedAt: set.generatedAt,
      expiresAt: set.expiresAt,
      stale,
      source: sourceOf(set),
      ...(job ? { generation: generationOf(job) } : {}),
      dataGaps: set.dataGaps,
      provenance: set.provenance,
    };
  }

  /**
   * The set to serve now, and the job behind it. A fresh set is served as it is; a fresh set the rules wrote while a
   * model is configured also starts a job when none is active (after a failure, once the retry time has passed). On
   * a miss a job is started, and the older set (stale) or a set the rules write now is served meanwhile.
   */
  private async current(invocation: Invocation): Promise<ServedSet> {
    const { store, jobs, model, metrics, clock } = this.deps;
    const tenantId = invocation.caller.tenantId;
    const [existing, latest] = await Promise.all([
      store.currentSet(tenantId),
      jobs.latest(tenantId, INSIGHTS_JOB_KIND),
    ]);
    const now = clock();
    const fresh = existing !== undefined && isFresh(existing, now);
    metrics.addMetric(fresh ? 'CacheHit' : 'CacheMiss', MetricUnit.Count, 1);
    if (!model) {
      if (fresh) return { set: existing, stale: false, ...(latest ? { job: latest } : {}) };
      return this.generateNow(invocation, existing, 'miss');
    }
    const wanted = !fresh || sourceOf(existing) === 'rules';
    const starting = wanted && this.mayStart(latest, now) ? this.startJob(invocation, 'miss') : Promise.resolve(latest);
    if (existing) {
      const job = await starting;
      return { set: existing, stale: !fresh, ...(job ? { job } : {}) };
    }
    // No set at all: the rules write one now (while the job is started), served while the job makes the model's.
    const [job, { set }] = await Promise.all([
      starting,
      this.generate(invocation, undefined, {
        generator: this.deps.rules,
        requestType: 'insights',
        strict: false,
        standIn: true,
      }),
    ]);
    return { set, stale: false, ...(job ? { job } : {}) };
  }

  /** Whether a read may start a job: none is active, and a failed one is old enough to try again. */
  private mayStart(latest: Job | undefined, now: Date): boolean {
    if (!latest) return true;
    if (isActive(latest)) return false;
    if (latest.status !== 'failed') return true;
    const failedAt = Date.parse(latest.finishedAt ?? latest.createdAt);
    return now.getTime() - failedAt >= this.deps.settings.retryFailedAfterSeconds * 1000;
  }

  /** A new pending job of this caller. */
  private newJob(invocation: Invocation, trigger: Job['trigger']): Job {
    return {
      jobId: randomUUID(),
      tenantId: invocation.caller.tenantId,
      kind: INSIGHTS_JOB_KIND,
      status: 'pending',
      trigger,
      requestedBy: invocation.caller.userId,
      createdAt: this.deps.clock().toISOString(),
      attempts: 0,
    };
  }

  /**
   * Starts a generation job and queues it, unless one is active (then that one is the answer). A job that could not
   * be queued is failed at once, so it does not hold the tenant's slot.
   */
  private async startJob(invocation: Invocation, trigger: Job['trigger']): Promise<Job> {
    const { jobs, queue, settings, clock } = this.deps;
    const now = clock();
    const start = await jobs.start(
      this.newJob(invocation, trigger),
      now,
      now.getTime() + settings.jobHoldSeconds * 1000,
    );
    if (!start.started) return start.active;
    const { job } = start;
    try {
      await queue.send([{ jobId: job.jobId, tenantId: job.tenantId, kind: job.kind }]);
    } catch (error) {
      invocation.log.error('insights job not queued', { jobId: job.jobId, error: error as Error });
      return (await jobs.finish(job.tenantId, job.jobId, 'failed', clock(), 'not_queued')) ?? job;
    }
    invocation.log.info('insights job queued', { jobId: job.jobId, trigger });
    return job;
  }

  /**
   * Under the rules provider: the rules write the set in the request, recorded as a job that is done at once. A
   * request that finds another one writing waits briefly for its set; when every source fails, an older set is
   * served as stale.
   */
  private async generateNow(
    invocation: Invocation,
    existing: InsightSet | undefined,
    trigger: Job['trigger'],
  ): Promise<ServedSet & { job: Job }> {
    const { jobs, settings, clock } = this.deps;
    const tenantId = invocation.caller.tenantId;
    const now = clock();
    const start = await jobs.start(
      this.newJob(invocation, trigger),
      now,
      now.getTime() + settings.jobHoldSeconds * 1000,
    );
    if (!start.started) {
      const written = existing ?? (await this.awaitSet(tenantId));
      return { set: written, stale: !isFresh(written, clock()), job: start.active };
    }
    const { jobId } = start.job;
    await jobs.claim(tenantId, jobId, now, invocation.deadline.at + 60_000);
    try {
      const { set } = await this.generate(invocation, existing, {
        generator: this.deps.rules,
        requestType: 'insights',
        strict: false,
      });
      const job = await jobs.finish(tenantId, jobId, 'done', clock());
      return { set, stale: false, job: job ?? start.job };
    } catch (error) {
      const reason = error instanceof AppError ? error.code : 'internal_error';
      const job = (await jobs.finish(tenantId, jobId, 'failed', clock(), reason)) ?? start.job;
      const unreadable = error instanceof UpstreamUnavailableError || error instanceof NoBusinessDataError;
      if (existing && unreadable) return { set: existing, stale: true, job };
      throw error;
    }
  }

  /** The set another request is writing right now, waited for a few seconds at most (then 503 with Retry-After). */
  private async awaitSet(tenantId: string): Promise<InsightSet> {
    for (let waited = 0; waited < AWAIT_SET_MS; waited += AWAIT_POLL_MS) {
      await sleep(AWAIT_POLL_MS);
      const set = await this.deps.store.currentSet(tenantId);
      if (set) return set;
    }
    throw new ServiceBusyError('Insights are being generated; try again in a few seconds', 2);
  }

  /** The model writes the set (strictly: a failure other than a spent budget is thrown, not replaced by the rules). */
  private async generateWithModel(
    invocation: Invocation,
    requestType: 'insights' | 'batch',
  ): Promise<{ set: InsightSet; usage?: DraftGeneration['usage'] }> {
    const existing = await this.deps.store.currentSet(invocation.caller.tenantId);
    return this.generate(invocation, existing, {
      generator: this.deps.model ?? this.deps.rules,
      requestType,
      strict: true,
    });
  }

  /**
   * Saves a new set over the one it was generated from, carrying over the ids and statuses of the insights it shares
   * with it (by fingerprint). When a dismissal or acknowledgement landed meanwhile, the write is refused; the new set
   * then takes over the latest set's ids and statuses and is saved over it.
   */
  private async save(
    invocation: Invocation,
    generated: InsightSet,
    replacing: InsightSet | undefined,
    standIn: boolean,
  ): Promise<InsightSet> {
    if (standIn) {
      if (await this.deps.store.saveSet(generated, undefined)) return generated;
      const stored = await this.deps.store.currentSet(invocation.caller.tenantId);
      if (stored) return stored;
    }
    let base = replacing;
    for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt += 1) {
      const candidate = continuing(generated, base);
      if (await this.deps.store.saveSet(candidate, base)) return candidate;
      invocation.log.info('insight set changed during generation; merging its statuses', { attempt });
      base = await this.deps.store.currentSet(invocation.caller.tenantId);
    }
    throw new ConflictError('The insights changed while they were being regenerated; try again');
  }

  /** Reads the business data, computes the signals, has the writer write the drafts, and stores the set. */
  private async generate(
    invocation: Invocation,
    existing: InsightSet | undefined,
    mode: GenerationMode,
  ): Promise<{ set: InsightSet; usage?: DraftGeneration['usage'] }> {
    const { store, businessData, metrics, settings, clock } = this.deps;
    const startedAt = Date.now();
    const tenantId = invocation.caller.tenantId;
    const [snapshot, dismissals] = await Promise.all([
      businessData.snapshot(onBehalfOf(invocation)),
      store.activeDismissals(tenantId, clock()),
    ]);
    if (snapshot.gaps.length === sourceNames.length && snapshot.gaps.every((gap) => gap.reason === 'not_found')) {
      invocation.log.warn('the business data services have no records for this tenant', {
        hasOlderSet: existing !== undefined,
      });
      throw new NoBusinessDataError(
        'There is no business data for this tenant yet: the Account and Traction services have no records of it ' +
          '(no foundation, goals, scorecard, actions or issues). Insights are written from that data once the ' +
          'business is set up there.',
      );
    }
    if (snapshot.gaps.length === sourceNames.length) {
      invocation.log.error('every business data source failed', {
        gaps: snapshot.gaps,
        hasOlderSet: existing !== undefined,
      });
      throw new UpstreamUnavailableError(
        `None of the business data sources (${sourceNames.join(', ')}) could be read, and there are no earlier ` +
          'insights to show. Try again in a few minutes.',
      );
    }
    if (mode.requestType === 'batch' && !hasAnyData(snapshot)) {
      throw new UpstreamUnavailableError(
        'The tenant has no business data yet (no foundation, goals, score, actions or issues)',
      );
    }
    const now = clock();
    const { metricHistory } = this.deps;
    const timeZone = this.deps.settings.timeZone ?? DEFAULT_TIME_ZONE;
    const trends =
      metricHistory &&
      (await recordSnapshotTrends(
        metricHistory.store,
        invocation.log,
        snapshot,
        now,
        metricHistory.retentionDays,
        timeZone,
      ));
    const generation = await mode.generator.generate({
      invocation,
      snapshot,
      signals: computeSignals(snapshot, now, { timeZone }, trends),
      dismissals,
      now,
      timeZone,
      requestType: mode.requestType,
      strictModel: mode.strict,
    });
    const { provenance } = generation;
    if (mode.strict && provenance.outcome === 'fallback' && provenance.reason !== 'usage_limit_exceeded') {
      // A job keeps the set that is there rather than store another written by the rules.
      throw new GenerationFailedError(provenance.reason ?? 'model_failed');
    }
    const createdAt = now.toISOString();
    const expiresAt = new Date(now.getTime() + settings.ttlHours * 3_600_000).toISOString();
    const generated: InsightSet = {
      tenantId,
      setId: randomUUID(),
      generatedAt: createdAt,
      expiresAt,
      dataGaps: snapshot.gaps,
      provenance,
      revision: 0,
      insights: generation.drafts.map((draft) => ({
        ...draft,
        id: newInsightId(),
        fingerprint: fingerprintOf(draft),
        status: 'active',
        createdAt,
        updatedAt: createdAt,
        expiresAt,
      })),
    };
    const set = await this.save(invocation, generated, existing, mode.standIn === true);
    metrics.addMetric('GenerationTime', MetricUnit.Milliseconds, Date.now() - startedAt);
    invocation.log.info('insight set generated', {
      setId: set.setId,
      count: set.insights.length,
      gaps: snapshot.gaps.map((gap) => gap.source),
      ...provenance,
    });
    return { set, ...(generation.usage ? { usage: generation.usage } : {}) };
  }
}
