import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ModelPrice } from '../config';
import {
  DEFAULT_MODEL_CATALOGUE,
  misfitOf,
  modelEntryOf,
  type ModelCatalogue,
  type ModelRequirements,
} from '../llm/models';
import type {
  LanguageModel,
  ModelMessage,
  ModelTool,
  ModelUsage,
  StructuredRequest,
  StructuredResponse,
} from '../llm/port';
import { estimateTokens } from '../llm/tokens';
import type { LogSink, MetricUnitValue } from '../observability';
import { abortAtDeadline, type Deadline, type Invocation } from '../invocation';
import type { PromptTemplate } from '../prompts/template';
import type { RequestType, Reservation, ReservationResult, TenantLimits, UsageEvent, UsageLedger } from './ledger';
import { monthResetAt } from './ledger';
import { estimateCostMicros } from './pricing';
import { routeModels, scoreComplexity, type ModelCooldowns, type RoutingDecision } from './routing';
import {
  ModelTimeoutError,
  ModelUnavailableError,
  NoCapableModelError,
  RateLimitedError,
  UsageLimitExceededError,
} from '../errors';

/** Records a metric with the request type as its dimension (Powertools single metric in production). */
export type UsageMetrics = (requestType: RequestType, name: string, unit: MetricUnitValue, value: number) => void;

/** Settings of the gateway: model defaults, default limits, prices, metering retention. */
export interface GatewaySettings {
  readonly defaultModelId: string;
  readonly defaultTemperature: number;
  readonly defaultMaxTokens: number;
  readonly defaultLimits: TenantLimits;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** The model catalogue that capability routing reads (default: the built-in one). */
  readonly catalogue?: ModelCatalogue;
  readonly retentionDays: number;
  /** Share of a budget at which responses carry a warning (default 0.8). */
  readonly warningThreshold: number;
  /** The least time left before the deadline that a model call is started with (default MIN_CALL_MS). */
  readonly minCallMs?: number;
}

/** The least time worth starting a model call (or a fallback) with; with less left it fails at once. */
export const MIN_CALL_MS = 1_000;
/** How long past its call's deadline a reservation keeps counting if nobody settles it (its function died). */
export const RESERVATION_MARGIN_MS = 30_000;
/** How often one process sweeps a tenant's expired reservations, off the calls' path. */
export const SWEEP_INTERVAL_MS = 60_000;

/** The ports the gateway runs on. */
export interface GatewayDependencies {
  readonly model: LanguageModel;
  readonly ledger: UsageLedger;
  readonly cooldowns: ModelCooldowns;
  readonly metrics: UsageMetrics;
  readonly settings: GatewaySettings;
  readonly clock: () => Date;
}

/** What the caller judged the model's answer to be; it becomes the usage event's outcome. */
export type Verdict = 'ok' | 'repaired' | 'failed';

/** One structured model call on behalf of a tenant's user. */
export interface GatewayRequest {
  /** On whose behalf: the caller's tenant and user are limited and metered; warnings go to its usage sink. */
  readonly invocation: Invocation;
  readonly requestType: RequestType;
  /** The template the prompt was rendered from: its topic, version and model block. */
  readonly template: PromptTemplate;
  readonly system: string;
  readonly messages: readonly ModelMessage[];
  readonly tool: ModelTool;
  /** The text complexity routing scores; the last user message by default. */
  readonly complexityText?: string;
  /** Judges the answer (valid, repaired or not usable). */
  readonly judge: (response: StructuredResponse) => Verdict;
  /** Streams the answer: receives the tool input JSON as it arrives (the model must support streaming). */
  readonly onDelta?: (fragment: string) => void;
}

/** The answer, who gave it, and why that model. */
export interface GatewayResponse {
  readonly response: StructuredResponse;
  readonly verdict: Verdict;
  readonly routing: RoutingDecision;
  /** The model that was tried first, when another one answered. */
  readonly fallbackFrom?: string;
  /** What the call cost, as metered. */
  readonly costMicros: number;
}

/** Bedrock models with prompt caching, and the shortest system prompt worth a cache point (their minimum). */
const CACHEABLE_MODEL = /anthropic\.claude-(sonnet|opus|haiku)-4/;
const MIN_CACHEABLE_TOKENS = 1024;

const isThrottling = (error: ModelUnavailableError): boolean =>
  (error.cause as { name?: string } | undefined)?.name === 'ThrottlingException';

/** The request count of the service's own work (a job, the nightly run): it is not a user, so no rate applies. */
const NOT_COUNTED = Promise.resolve({ requests: 0, retryAfterSeconds: 0 });

/** The value of a settled promise, or its rejection thrown. */
const fulfilled = <T>(result: PromiseSettledResult<T>): T => {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
};

/** Whether two limits have the same budgets (what a reservation is checked against). */
const sameBudgets = (a: TenantLimits, b: TenantLimits): boolean =>
  a.monthlyTokenBudget === b.monthlyTokenBudget && a.monthlyCostBudgetUsd === b.monthlyCostBudgetUsd;

/** A share as a whole percentage. */
const percentOf = (share: number): number => Math.round(share * 100);

/** The text of the last user message, which complexity routing scores by default. */
const lastUserText = (messages: readonly ModelMessage[]): string =>
  [...messages].reverse().find((message) => message.role === 'user')?.text ?? '';

/** What the template and the settings make of a call before it runs: its models, settings and worst case. */
interface CallPlan {
  readonly primary: string;
  readonly fallbacks: readonly string[];
  readonly fast?: string;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly systemTokens: number;
  /** What the request needs from the model that serves it. */
  readonly needs: ModelRequirements;
  /** The capability each of the template's models that cannot serve the request lacks. */
  readonly misfits: ReadonlyMap<string, string>;
  /** The most the call can take from the budgets: input estimate + max tokens, priced at the dearest candidate. */
  readonly worstCase: { readonly tokens: number; readonly costMicros: number };
}

/** What the meter records of a model call: the model that answered (or was cut off), its use, latency and route. */
interface MeteredCall {
  readonly modelId: string;
  readonly usage: ModelUsage;
  readonly latencyMs: number;
  readonly routing: RoutingDecision;
  /** The model that was tried first, when another one answered. */
  readonly fallbackFrom?: string;
}

/** A model's answer, and how the call got to that model. */
interface Answer extends MeteredCall {
  readonly response: StructuredResponse;
}

/** A call cut off in flight by its deadline or the request timeout; what it used is unknown (metered as none). */
interface Cut extends MeteredCall {
  readonly error: ModelTimeoutError;
}

const NO_USAGE: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };

/**
 * The one way the service calls a model, in three steps, within the invocation's deadline. Admit: count the user's
 * request (per-minute limit), reserve the call's worst case (input estimate + max tokens) against the tenant's
 * monthly token and cost budgets (429 `usage_limit_exceeded` once spent; concurrent calls overshoot by one call at
 * most), warn past the threshold; the reservation expires shortly after the deadline, and the tenant's expired ones
 * are swept off the call's path. Invoke: route (complexity, near-budget, cooldowns) and fall back along the
 * template's models on throttling, timeouts and 5xx, every attempt under one abort signal that fires at the deadline;
 * only models whose catalogue entry fits the request (a forced tool, streamed tool use, its max tokens) are tried, and
 * when none of the template's models fits, the call fails at once with NoCapableModelError (nothing counted, reserved
 * or metered; a model missing from the catalogue is taken to fit, with a warning once per process);
 * no model (not even a fallback) is started with less than `minCallMs` left. Meter: record exactly what was used
 * (event + atomic rollups), replacing the reservation; a call cut by its deadline or the request timeout is metered
 * as failed and ends with ModelTimeoutError (504). A call that fails otherwise after its reservation gives the
 * reservation back.
 */
export class ModelGateway {
  /** The limits this process last read for each tenant: what a reservation is first tried against. */
  private readonly knownLimits = new Map<string, TenantLimits>();
  private readonly toolTokens = new WeakMap<ModelTool, number>();
  /** When this process last swept each tenant's expired reservations (gateway clock, epoch ms). */
  private readonly sweptAt = new Map<string, number>();
  /** The models missing from the catalogue that this process has warned of. */
  private readonly uncatalogued = new Set<string>();

  constructor(private readonly deps: GatewayDependencies) {}

  /**
   * One model call: admitted within the limits, invoked on the routed models before the deadline, metered as it was
   * answered (or cut off).
   */
  async call(request: GatewayRequest): Promise<GatewayResponse> {
    this.requireTime(request);
    const now = this.deps.clock();
    const plan = this.plan(request);
    const reservation = await this.admit(request, plan, now);
    this.sweepLater(request.invocation, now);
    const outcome = await this.whileHolding(reservation, () => this.invoke(request, plan, reservation.utilization));
    if ('error' in outcome) {
      this.deps.metrics(request.requestType, 'ModelTimeouts', MetricUnit.Count, 1);
      this.record(request, reservation, this.usageEvent(request, outcome, 'failed', 0, now));
      throw outcome.error;
    }
    return this.meter(request, reservation, outcome, now);
  }

  /** Whether a model call is still worth starting: at least `minCallMs` before the deadline. */
  private hasTime(deadline: Deadline): boolean {
    return deadline.remainingMs() >= (this.deps.settings.minCallMs ?? MIN_CALL_MS);
  }

  /** Fails a call that cannot start with a useful amount of time left, before it counts or reserves anything. */
  private requireTime(request: GatewayRequest): void {
    const { deadline } = request.invocation;
    if (this.hasTime(deadline)) return;
    this.deps.metrics(request.requestType, 'ModelTimeouts', MetricUnit.Count, 1);
    throw new ModelTimeoutError(`Only ${deadline.remainingMs()} ms left before the deadline: no model call started`);
  }

  /**
   * Sweeps the tenant's expired reservations (their calls' functions died) alongside the call, through the usage
   * sink: at most once a minute per tenant in this process. (A reservation refused for the budget sweeps at once.)
   */
  private sweepLater(invocation: Invocation, now: Date): void {
    const { tenantId } = invocation.caller;
    const last = this.sweptAt.get(tenantId);
    if (last !== undefined && now.getTime() - last < SWEEP_INTERVAL_MS) return;
    this.sweptAt.set(tenantId, now.getTime());
    invocation.usage.defer(
      this.deps.ledger.sweep(tenantId, now).then(() => undefined),
      { sweep: 'expired reservations', tenantId },
    );
  }

  /**
   * The call's models, settings, needs and worst case, from its template and the gateway's defaults. Fails with
   * NoCapableModelError when none of the template's models can serve the request.
   */
  private plan(request: GatewayRequest): CallPlan {
    const { settings } = this.deps;
    const model = request.template.model;
    const primary = model?.id ?? settings.defaultModelId;
    const fallbacks = model?.fallbacks ?? [];
    const maxTokens = model?.max_tokens ?? settings.defaultMaxTokens;
    const needs = this.needsOf(request, maxTokens);
    const candidates = [...new Set([primary, ...fallbacks, ...(model?.fast ? [model.fast] : [])])];
    const misfits = new Map(
      candidates.flatMap((id) => {
        const lacks = this.lackOf(id, needs, request.invocation.log);
        return lacks === undefined ? [] : [[id, lacks] as const];
      }),
    );
    const capable = candidates.filter((id) => !misfits.has(id));
    if (capable.length === 0) this.noCapableModel(request, needs, misfits);
    const systemTokens = estimateTokens(request.system);
    const inputTokens =
      systemTokens +
      estimateTokens(request.messages.map((message) => message.text).join('\n')) +
      this.tokensOf(request.tool);
    const worstUsage = { inputTokens, outputTokens: maxTokens, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
    return {
      primary,
      fallbacks,
      ...(model?.fast ? { fast: model.fast } : {}),
      temperature: model?.temperature ?? settings.defaultTemperature,
      maxTokens,
      systemTokens,
      needs,
      misfits,
      worstCase: {
        tokens: inputTokens + maxTokens,
        costMicros: Math.max(...capable.map((id) => estimateCostMicros(id, worstUsage, settings.prices))),
      },
    };
  }

  /**
   * What the request needs from its model: every gateway call forces its tool; it streams tool use when the caller
   * streams and the model port can; its output may reach the max tokens; it has a system prompt unless that is blank.
   */
  private needsOf(request: GatewayRequest, maxTokens: number): ModelRequirements {
    return {
      tools: true,
      forcedToolChoice: true,
      streaming: request.onDelta !== undefined && this.deps.model.streamStructured !== undefined,
      maxOutputTokens: maxTokens,
      systemPrompt: request.system.trim() !== '',
    };
  }

  /**
   * The capability a model lacks for the request, by its catalogue entry. A model missing from the catalogue is taken
   * to fit (as before the catalogue), and warned of once per process.
   */
  private lackOf(modelId: string, needs: ModelRequirements, log: LogSink): string | undefined {
    const entry = modelEntryOf(modelId, this.deps.settings.catalogue ?? DEFAULT_MODEL_CATALOGUE);
    if (entry) return misfitOf(entry, needs);
    if (!this.uncatalogued.has(modelId)) {
      this.uncatalogued.add(modelId);
      log.warn('model not in the catalogue; taken to fit every request', { modelId });
    }
    return undefined;
  }

  /** Ends a call none of whose models fits, before it counts or reserves anything: logged, counted, a 503. */
  private noCapableModel(
    request: GatewayRequest,
    needs: ModelRequirements,
    misfits: ReadonlyMap<string, string>,
  ): never {
    const lacking = [...misfits].map(([modelId, lacks]) => ({ modelId, lacks }));
    this.deps.metrics(request.requestType, 'NoCapableModel', MetricUnit.Count, 1);
    request.invocation.log.error('no model can serve the request', {
      promptTopic: request.template.topic,
      promptVersion: request.template.version,
      needs,
      lacking,
    });
    throw new NoCapableModelError(
      `No model of ${request.template.topic} ${request.template.version} can serve the request: ${lacking
        .map(({ modelId, lacks }) => `${modelId} lacks ${lacks}`)
        .join('; ')}`,
    );
  }

  /** The tenant's limits as they are now (a consistent read): its override over the defaults. */
  private async currentLimits(tenantId: string): Promise<TenantLimits> {
    const limits = { ...this.deps.settings.defaultLimits, ...(await this.deps.ledger.limitsOverride(tenantId)) };
    this.knownLimits.set(tenantId, limits);
    return limits;
  }

  /**
   * Admits the call within the tenant's limits as they are now, so a change applies to the very next call in every
   * process: the limits are read (consistently), the user's request counted and the worst case reserved against the
   * budgets this process last saw, all in one round trip; when the budgets read differ from those, the reservation
   * is made again on them. Then the near-budget warning. Returns the reservation it holds; every rejection or failure
   * gives it back.
   */
  private async admit(request: GatewayRequest, plan: CallPlan, now: Date): Promise<Reservation> {
    const { ledger, settings } = this.deps;
    const { tenantId, userId } = request.invocation.caller;
    const expiresAt = this.reservationExpiry(request.invocation, now);
    const known = this.knownLimits.get(tenantId) ?? settings.defaultLimits;
    // Settled apart, so a reservation made beside a failed read or rate count is given back too.
    const [current, rate, reserved] = await Promise.allSettled([
      this.currentLimits(tenantId),
      request.invocation.caller.isService ? NOT_COUNTED : ledger.countUserRequest(tenantId, userId, now),
      ledger.reserve(tenantId, now, plan.worstCase, known, expiresAt),
    ]);
    const held = reserved.status === 'fulfilled' && reserved.value.ok ? reserved.value.reservation : undefined;
    const limits = await this.whileHolding(held, () => fulfilled(current));
    await this.whileHolding(held, () => this.checkRate(request, fulfilled(rate), limits));
    let decision = fulfilled(reserved);
    if (!sameBudgets(known, limits)) {
      if (held) await ledger.release(held);
      decision = await ledger.reserve(tenantId, now, plan.worstCase, limits, expiresAt);
    }
    const reservation = this.checkBudget(request, decision, now);
    await this.whileHolding(reservation, () => this.warnNearBudget(request, reservation, now));
    return reservation;
  }

  /** When the call's reservation stops counting if nobody settles it: the deadline, plus a margin (gateway clock). */
  private reservationExpiry(invocation: Invocation, now: Date): Date {
    return new Date(now.getTime() + invocation.deadline.remainingMs() + RESERVATION_MARGIN_MS);
  }

  /** Rejects a user past their requests per minute (429 with Retry-After). */
  private checkRate(
    request: GatewayRequest,
    rate: { requests: number; retryAfterSeconds: number },
    limits: TenantLimits,
  ): void {
    if (rate.requests <= limits.userRequestsPerMinute) return;
    this.deps.metrics(request.requestType, 'LimitRejections', MetricUnit.Count, 1);
    throw new RateLimitedError(`At most ${limits.userRequestsPerMinute} requests per minute`, rate.retryAfterSeconds);
  }

  /** The reservation, or a 429 `usage_limit_exceeded` naming the spent budget and when it resets. */
  private checkBudget(request: GatewayRequest, reserved: ReservationResult, now: Date): Reservation {
    if (reserved.ok) return reserved.reservation;
    this.deps.metrics(request.requestType, 'LimitRejections', MetricUnit.Count, 1);
    this.deps.metrics(request.requestType, 'BudgetRejections', MetricUnit.Count, 1);
    request.invocation.log.warn('monthly budget exhausted', {
      exceeded: reserved.exceeded,
      resetAt: reserved.resetAt.toISOString(),
    });
    throw new UsageLimitExceededError(reserved.exceeded, reserved.resetAt, now);
  }

  /**
   * Past the threshold, or below it but on course to use more than the budget by the month's end at its current daily
   * pace (see projectAtPace): a warning for the caller, and one log line per tenant, month and warning.
   */
  private async warnNearBudget(request: GatewayRequest, reservation: Reservation, now: Date): Promise<void> {
    const threshold = this.deps.settings.warningThreshold;
    const { utilization, projectedUtilization, month } = reservation;
    const { usage, log, caller } = request.invocation;
    const resetAt = monthResetAt(now).toISOString();
    if (utilization >= threshold) {
      usage.warn(`${Math.min(100, percentOf(utilization))}% of the monthly budget is used; it resets at ${resetAt}`);
      if (await this.deps.ledger.firstWarning(caller.tenantId, month, String(threshold))) {
        log.warn('usage warning threshold reached', { month, utilization, threshold });
      }
    } else if (projectedUtilization > 1) {
      usage.warn(
        `At this month's pace ${percentOf(projectedUtilization)}% of the monthly budget will be used before it resets at ${resetAt}`,
      );
      if (await this.deps.ledger.firstWarning(caller.tenantId, month, 'projection')) {
        log.warn('usage projected past the budget', { month, projectedUtilization });
      }
    }
  }

  /** Runs `work` while `reservation` is held, and gives the reservation back if `work` fails. */
  private async whileHolding<T>(reservation: Reservation | undefined, work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (reservation) await this.deps.ledger.release(reservation);
      throw error;
    }
  }

  /**
   * Routes the call and tries its candidate models in order, under one signal that aborts at the deadline: an
   * unavailable model (throttling, 5xx) or one past the request timeout hands over to the next one, and a throttled
   * one cools down; any other error ends the call. Past the deadline, or with less than `minCallMs` left, no other
   * model is tried: the call ends cut off (when the model in flight was) or with the last model's error.
   */
  private async invoke(request: GatewayRequest, plan: CallPlan, budgetUtilization: number): Promise<Answer | Cut> {
    const routing = this.route(request, plan, budgetUtilization);
    const first = routing.candidates[0];
    const { deadline, log } = request.invocation;
    const abort = abortAtDeadline(deadline);
    let ended: ModelUnavailableError | Cut | undefined;
    try {
      for (const modelId of routing.candidates) {
        if (!this.hasTime(deadline)) break;
        const via = modelId === first ? {} : { fallbackFrom: first as string };
        const startedAt = performance.now();
        try {
          const response = await this.ask(request, plan, modelId, abort.signal);
          const { usage, latencyMs } = response;
          return { response, modelId: response.modelId, usage, latencyMs, routing, ...via };
        } catch (error) {
          if (error instanceof ModelTimeoutError) {
            const latencyMs = Math.round(performance.now() - startedAt);
            ended = { error, modelId, usage: NO_USAGE, latencyMs, routing, ...via };
            log.warn('model call timed out', { modelId, latencyMs, remainingMs: deadline.remainingMs() });
            if (abort.signal.aborted) break;
            continue;
          }
          if (!(error instanceof ModelUnavailableError)) throw error;
          if (isThrottling(error)) {
            this.deps.cooldowns.markThrottled(modelId);
            this.deps.metrics(request.requestType, 'ModelThrottles', MetricUnit.Count, 1);
          }
          log.warn('model unavailable; trying the next one', { modelId, error: error.message });
          ended = error;
        }
      }
    } finally {
      abort.dispose();
    }
    if (ended === undefined) {
      throw new ModelTimeoutError(`Only ${deadline.remainingMs()} ms left before the deadline: no model call started`);
    }
    if (ended instanceof ModelUnavailableError) throw ended;
    return ended;
  }

  /**
   * The order to try the models in, for this request's needs and complexity, the budget used and the cooldowns; each
   * model left out for a capability it lacks is logged.
   */
  private route(request: GatewayRequest, plan: CallPlan, budgetUtilization: number): RoutingDecision {
    const decision = routeModels({
      primary: plan.primary,
      fallbacks: plan.fallbacks,
      ...(plan.fast ? { fast: plan.fast } : {}),
      complexity: scoreComplexity(request.complexityText ?? lastUserText(request.messages)).complexity,
      budgetUtilization,
      prices: this.deps.settings.prices,
      isCoolingDown: (id) => this.deps.cooldowns.isCoolingDown(id),
      lacks: (id) => plan.misfits.get(id),
    });
    for (const skipped of decision.skipped) {
      if (skipped.reason !== 'incapable') continue;
      request.invocation.log.warn('model skipped: it lacks what the request needs', {
        modelId: skipped.modelId,
        lacks: skipped.lacks,
        needs: plan.needs,
      });
    }
    return decision;
  }

  /** One model's answer, streamed when the caller streams and the model can; long system prompts get a cache point. */
  private ask(
    request: GatewayRequest,
    plan: CallPlan,
    modelId: string,
    signal: AbortSignal,
  ): Promise<StructuredResponse> {
    const { model } = this.deps;
    const structured: StructuredRequest = {
      system: request.system,
      messages: request.messages,
      tool: request.tool,
      settings: { modelId, temperature: plan.temperature, maxTokens: plan.maxTokens },
      cacheSystemPrompt: CACHEABLE_MODEL.test(modelId) && plan.systemTokens >= MIN_CACHEABLE_TOKENS,
      signal,
    };
    return request.onDelta && model.streamStructured
      ? model.streamStructured(structured, request.onDelta)
      : model.generateStructured(structured);
  }

  /**
   * Meters the answered call with the caller's verdict: settles its reservation with the usage event (deferred to the
   * invocation's usage sink), logs it and emits its metrics. A judge that throws leaves the call metered as failed.
   */
  private meter(request: GatewayRequest, reservation: Reservation, answer: Answer, now: Date): GatewayResponse {
    const { response, routing, fallbackFrom } = answer;
    const costMicros = estimateCostMicros(response.modelId, response.usage, this.deps.settings.prices);
    let verdict: Verdict = 'failed';
    try {
      verdict = request.judge(response);
    } finally {
      this.record(request, reservation, this.usageEvent(request, answer, verdict, costMicros, now));
    }
    return { response, verdict, routing, costMicros, ...(fallbackFrom ? { fallbackFrom } : {}) };
  }

  /** The usage event of a call that was answered or cut off. */
  private usageEvent(
    request: GatewayRequest,
    { modelId, usage, latencyMs, routing, fallbackFrom }: MeteredCall,
    verdict: Verdict,
    costMicros: number,
    now: Date,
  ): UsageEvent {
    const { caller, correlationId } = request.invocation;
    return {
      tenantId: caller.tenantId,
      userId: caller.userId,
      requestType: request.requestType,
      promptTopic: request.template.topic,
      promptVersion: request.template.version,
      modelId,
      usage,
      latencyMs,
      costMicros,
      outcome: verdict === 'ok' && fallbackFrom ? 'fallback' : verdict,
      routing: { reason: routing.reason, complexity: routing.complexity, ...(fallbackFrom ? { fallbackFrom } : {}) },
      correlationId,
      at: now,
    };
  }

  /** Settles the reservation with the event off the call's path (the transport settles it), then logs and counts. */
  private record(request: GatewayRequest, reservation: Reservation, event: UsageEvent): void {
    const { ledger, settings, metrics } = this.deps;
    request.invocation.usage.defer(ledger.settle(reservation, event, settings.retentionDays), { usageEvent: event });
    request.invocation.log.info('model call', {
      promptTopic: event.promptTopic,
      promptVersion: event.promptVersion,
      modelId: event.modelId,
      routing: event.routing,
      inputTokens: event.usage.inputTokens,
      outputTokens: event.usage.outputTokens,
      cacheReadInputTokens: event.usage.cacheReadInputTokens,
      costUsd: event.costMicros / 1_000_000,
      latencyMs: event.latencyMs,
      outcome: event.outcome,
    });
    metrics(event.requestType, 'InputTokens', MetricUnit.Count, event.usage.inputTokens);
    metrics(event.requestType, 'OutputTokens', MetricUnit.Count, event.usage.outputTokens);
    metrics(event.requestType, 'CostMicroUsd', MetricUnit.Count, event.costMicros);
    metrics(event.requestType, 'ModelLatency', MetricUnit.Milliseconds, event.latencyMs);
    metrics(event.requestType, `ModelCalls_${event.outcome}`, MetricUnit.Count, 1);
    if (event.routing.fallbackFrom) metrics(event.requestType, 'ModelFallbacks', MetricUnit.Count, 1);
  }

  /** Token estimate of a tool's input schema, once per tool. */
  private tokensOf(tool: ModelTool): number {
    let tokens = this.toolTokens.get(tool);
    if (tokens === undefined) {
      tokens = estimateTokens(JSON.stringify(tool.inputSchema));
      this.toolTokens.set(tool, tokens);
    }
    return tokens;
  }
}
