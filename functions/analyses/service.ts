import { randomBytes } from 'node:crypto';
import type { BusinessSnapshot } from '../shared/business-api/model';
import { onBehalfOf, type BusinessData } from '../shared/business-api/port';
import { dayOf } from '../shared/metrics/tenant-trends';
import type { MetricHistoryStore } from '../shared/metrics/store';
import { daysBefore } from '../shared/metrics/trends';
import { epochSeconds } from '../shared/dynamo/tables';
import { ModelTimeoutError, NotFoundError, UpstreamUnavailableError, ValidationError } from '../shared/errors';
import type { Invocation } from '../shared/invocation';
import type { JobMessage } from '../shared/jobs/model';
import type { Queue } from '../shared/jobs/queue';
import { workJob, type JobOutcome } from '../shared/jobs/work';
import type { JobStore } from '../shared/jobs/store';
import { fieldProblems } from '../shared/problems';
import type { PromptStore } from '../shared/prompts/template';
import type { ModelGateway } from '../shared/usage/gateway';
import * as z from '../shared/zod';
import type { AnalysisFeedback, AnalysisResponse, ListAnalysesQuery } from './api';
import { runOffline, runWithModel, type AnalysisRun } from './engine';
import type { AnalysisContext, AnyAnalysisDefinition } from './model';
import { analysisDefinitions, analysisTypes } from './registry';
import type { AnalysisStore, StoredAnalysis } from './store';

/** The analyses' tunables. */
export interface AnalysesSettings {
  readonly ttlDays: number;
  /** How long a request waits for the model before the analysis goes to a job (202). */
  readonly syncBudgetMs: number;
  /** The deployment's calendar (`INSIGHTS_TIME_ZONE`): the tenant's "today". */
  readonly timeZone: string;
  /** How long a job holds its slot before another worker may take it over. */
  readonly jobHoldSeconds: number;
}

/** What the analyses' use cases depend on. */
export interface AnalysesDependencies {
  readonly store: AnalysisStore;
  readonly businessData: BusinessData;
  readonly history: MetricHistoryStore;
  /** The model's prompts and gateway; absent under the rules provider (every type answers offline). */
  readonly model?: { readonly prompts: PromptStore; readonly gateway: ModelGateway };
  readonly jobs: JobStore;
  readonly queue: Queue<JobMessage>;
  readonly clock: () => Date;
  readonly settings: AnalysesSettings;
  /** The types by name (the registry's by default; tests add their own). */
  readonly definitions?: Readonly<Record<string, AnyAnalysisDefinition>>;
}

/** What `POST /analyses/{type}` answers: 200 with the analysis, or 202 with the pending one and its job. */
export interface AnalyzeAnswer {
  readonly status: 200 | 202;
  readonly analysis: AnalysisResponse;
}

/** Deliveries of an analysis job whose model keeps throttling before the analysis fails. */
const JOB_MAX_ATTEMPTS = 3;

/** The prefix of an analysis job's kind: each analysis is its own job (`analysis:<id>`), so none waits for another. */
const JOB_KIND_PREFIX = 'analysis:';

/** A new analysis id: 26 characters that sort by creation time (epoch ms in base 36, then randomness). */
const newAnalysisId = (now: Date): string =>
  `${now.getTime().toString(36).padStart(10, '0')}${randomBytes(10).toString('hex').slice(0, 16)}`;

/** What the API shows of a stored analysis: all but whose it is, the request, the expiry and who gave feedback. */
const viewOf = ({
  tenantId: _tenantId,
  requestedBy: _requestedBy,
  request: _request,
  expiresAt: _expiresAt,
  feedback,
  ...shown
}: StoredAnalysis): AnalysisResponse => {
  if (!feedback) return shown;
  const { by: _by, ...verdict } = feedback;
  return { ...shown, feedback: verdict };
};

/**
 * The analyses' use cases: run a type (offline under the rules provider; with the model, answered in the request
 * when it finishes within the sync budget, else handed to a job and answered 202), read, list, feedback, and the
 * job worker's run. What failed stores no result: a model that stays invalid is a 502 and nothing is kept.
 */
export class AnalysesService {
  private readonly definitions: Readonly<Record<string, AnyAnalysisDefinition>>;

  constructor(private readonly deps: AnalysesDependencies) {
    this.definitions = deps.definitions ?? analysisDefinitions;
  }

  /** `POST /analyses/{type}` for the caller's tenant. */
  async analyze(invocation: Invocation, type: string, body: unknown): Promise<AnalyzeAnswer> {
    const definition = this.definitionOf(type);
    const parsed = z.safeParse(definition.requestSchema, body ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        `The ${type} request is invalid`,
        fieldProblems(definition.requestSchema, parsed.error.issues, body, { prefix: 'body', root: 'body' }),
      );
    }
    const now = this.deps.clock();
    const context = await this.contextFor(invocation, definition, parsed.data, now);
    const { model } = this.deps;
    if (!model)
      return {
        status: 200,
        analysis: await this.store(invocation, definition, context, runOffline(definition, context)),
      };
    const inline = definition.model === 'fast' ? invocation : this.withinSyncBudget(invocation);
    try {
      const run = await runWithModel(definition, context, inline, model);
      return { status: 200, analysis: await this.store(invocation, definition, context, run) };
    } catch (error) {
      if (!(error instanceof ModelTimeoutError) || inline === invocation) throw error;
      invocation.log.info('analysis passed the sync budget; handing it to a job', { type });
      return { status: 202, analysis: await this.startJob(invocation, definition, parsed.data, now) };
    }
  }

  /** One of the caller's tenant's analyses (404 for another tenant's or an expired one). */
  async get(invocation: Invocation, id: string): Promise<AnalysisResponse> {
    return viewOf(await this.found(invocation.caller.tenantId, id));
  }

  /** A page of the caller's tenant's analyses, newest first, optionally of one type. */
  async list(invocation: Invocation, query: ListAnalysesQuery) {
    if (query.type !== undefined) this.definitionOf(query.type);
    const page = await this.deps.store.list(invocation.caller.tenantId, query, this.deps.clock());
    return { items: page.items.map(viewOf), pageSize: query.pageSize, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** Records (replaces) the caller's verdict on a done analysis. */
  async feedback(
    invocation: Invocation,
    id: string,
    feedback: AnalysisFeedback,
  ): Promise<{ id: string; status: 'recorded' }> {
    const tenantId = invocation.caller.tenantId;
    const analysis = await this.found(tenantId, id);
    if (analysis.status !== 'done')
      throw new ValidationError('Only a finished analysis takes feedback', [
        { field: 'id', message: `is ${analysis.status}` },
      ]);
    const recorded = await this.deps.store.setFeedback(tenantId, id, {
      ...feedback,
      at: this.deps.clock().toISOString(),
      by: invocation.caller.userId,
    });
    if (!recorded) throw new NotFoundError(`No finished analysis ${id}`);
    invocation.log.info('analysis feedback recorded', { analysisId: id, thumbs: feedback.thumbs });
    return { id, status: 'recorded' };
  }

  /**
   * The job worker: takes the job, runs the analysis with the model on the worker's deadline and stores the outcome
   * on the pending analysis (a redelivered job that finds it finished does nothing). A throttled model puts the job
   * back; any other failure fails the analysis with the error's code.
   */
  async runJob(invocation: Invocation, message: JobMessage): Promise<JobOutcome> {
    const { jobs, queue, store, clock, settings } = this.deps;
    const tenantId = invocation.caller.tenantId;
    const analysisId = message.kind.slice(JOB_KIND_PREFIX.length);
    return workJob(
      { jobs, queue, clock, holdSeconds: settings.jobHoldSeconds, maxAttempts: JOB_MAX_ATTEMPTS },
      invocation,
      message,
      {
        name: 'analysis job',
        logContext: { analysisId },
        take: async () => {
          const analysis = await store.get(tenantId, analysisId, clock());
          return analysis?.status === 'pending' ? analysis : undefined;
        },
        run: async ({ type, request }) => {
          const definition = this.definitionOf(type);
          const model = this.deps.model;
          const context = await this.contextFor(invocation, definition, request, clock());
          const run = model
            ? await runWithModel(definition, context, invocation, model)
            : runOffline(definition, context);
          await store.finish(
            tenantId,
            analysisId,
            { status: 'done', result: run.result, provenance: run.provenance },
            clock(),
          );
        },
        onFailed: (reason) => store.finish(tenantId, analysisId, { status: 'failed', reason }, clock()),
      },
    );
  }

  private definitionOf(type: string): AnyAnalysisDefinition {
    const definition = this.definitions[type];
    if (!definition) {
      throw new NotFoundError(
        `Unknown analysis type "${type}"; the known types are ${analysisTypes(this.definitions).join(', ')}`,
      );
    }
    return definition;
  }

  private async found(tenantId: string, id: string): Promise<StoredAnalysis> {
    const analysis = await this.deps.store.get(tenantId, id, this.deps.clock());
    if (!analysis) throw new NotFoundError(`No analysis ${id}`);
    return analysis;
  }

  /** The invocation with its deadline cut to the sync budget (or its own, if sooner). */
  private withinSyncBudget(invocation: Invocation): Invocation {
    const at = Math.min(invocation.deadline.at, this.deps.clock().getTime() + this.deps.settings.syncBudgetMs);
    return { ...invocation, deadline: { at, remainingMs: () => Math.max(0, at - Date.now()) } };
  }

  /**
   * Reads what the type's recipe asks for: its .NET sources (all failing is 502 upstream_unavailable when it needs
   * any) and its window of metric history (a failed history read is logged and the type runs without it).
   */
  private async contextFor(
    invocation: Invocation,
    definition: AnyAnalysisDefinition,
    request: unknown,
    now: Date,
  ): Promise<AnalysisContext<unknown>> {
    const tenantId = invocation.caller.tenantId;
    const { sources, historyDays } = definition.recipe;
    const today = dayOf(now, this.deps.settings.timeZone);
    const nothingRead: BusinessSnapshot = { tenantId, fetchedAt: now.toISOString(), gaps: [], dropped: {} };
    const [snapshot, history] = await Promise.all([
      sources.length === 0 ? nothingRead : this.deps.businessData.snapshot(onBehalfOf(invocation), sources),
      historyDays === 0
        ? { days: [], entities: undefined }
        : this.readHistory(invocation, tenantId, daysBefore(today, historyDays), today, now),
    ]);
    if (sources.length > 0 && snapshot.gaps.length === sources.length) {
      throw new UpstreamUnavailableError(`None of the ${definition.type} analysis' sources could be read`);
    }
    return {
      request,
      snapshot,
      history: history.days,
      entities: history.entities ?? {
        goals: (snapshot.goals ?? []).map((goal) => ({ id: goal.id, title: goal.title })),
        components: (snapshot.performance?.components ?? []).map((component) => component.name),
      },
      now,
      today,
    };
  }

  private async readHistory(invocation: Invocation, tenantId: string, from: string, to: string, now: Date) {
    try {
      const [days, entities] = await Promise.all([
        this.deps.history.days(tenantId, from, to, epochSeconds(now)),
        this.deps.history.entities(tenantId, epochSeconds(now)),
      ]);
      return { days, entities };
    } catch (error) {
      invocation.log.warn('the metric history could not be read; the analysis runs without it', {
        error: String(error),
      });
      return { days: [], entities: undefined };
    }
  }

  /** Stores a finished run for the caller and answers it. */
  private async store(
    invocation: Invocation,
    definition: AnyAnalysisDefinition,
    context: AnalysisContext<unknown>,
    run: AnalysisRun,
  ): Promise<AnalysisResponse> {
    const now = this.deps.clock();
    const analysis: StoredAnalysis = {
      ...this.newAnalysis(invocation, definition, context.request, now),
      status: 'done',
      result: run.result,
      provenance: run.provenance,
      finishedAt: now.toISOString(),
    };
    await this.deps.store.put(analysis);
    invocation.log.info('analysis stored', {
      analysisId: analysis.id,
      type: definition.type,
      outcome: run.provenance.outcome,
    });
    return viewOf(analysis);
  }

  private newAnalysis(
    invocation: Invocation,
    definition: AnyAnalysisDefinition,
    request: unknown,
    now: Date,
  ): StoredAnalysis {
    return {
      id: newAnalysisId(now),
      tenantId: invocation.caller.tenantId,
      type: definition.type,
      status: 'pending',
      requestedBy: invocation.caller.userId,
      request,
      createdAt: now.toISOString(),
      expiresAt: epochSeconds(now) + this.deps.settings.ttlDays * 86_400,
    };
  }

  /** Stores the analysis as pending and queues its job; a job that cannot be queued fails the analysis (503). */
  private async startJob(
    invocation: Invocation,
    definition: AnyAnalysisDefinition,
    request: unknown,
    now: Date,
  ): Promise<AnalysisResponse> {
    const { jobs, queue, store, settings } = this.deps;
    const pending = this.newAnalysis(invocation, definition, request, now);
    const start = await jobs.start(
      {
        jobId: pending.id,
        tenantId: pending.tenantId,
        kind: `${JOB_KIND_PREFIX}${pending.id}`,
        status: 'pending',
        trigger: 'miss',
        requestedBy: pending.requestedBy,
        createdAt: pending.createdAt,
        attempts: 0,
      },
      now,
      now.getTime() + settings.jobHoldSeconds * 1000,
    );
    const job = start.started ? start.job : start.active;
    await store.put({ ...pending, jobId: job.jobId });
    try {
      await queue.send([{ jobId: job.jobId, tenantId: job.tenantId, kind: job.kind }]);
    } catch (error) {
      invocation.log.error('analysis job not queued', { analysisId: pending.id, error: error as Error });
      await store.finish(pending.tenantId, pending.id, { status: 'failed', reason: 'not_queued' }, this.deps.clock());
      await jobs.finish(job.tenantId, job.jobId, 'failed', this.deps.clock(), 'not_queued');
    }
    return viewOf(
      (await store.get(pending.tenantId, pending.id, this.deps.clock())) ?? { ...pending, jobId: job.jobId },
    );
  }
}
