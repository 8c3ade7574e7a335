import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ModelPrice } from '../config';
import type { LanguageModel, ModelMessage, ModelTool, StructuredResponse } from '../llm/port';
import { estimateTokens } from '../llm/tokens';
import type { MetricUnitValue } from '../observability';
import type { Invocation } from '../invocation';
import type { PromptTemplate } from '../prompts/template';
import type { RequestType, TenantLimits, UsageEvent, UsageLedger } from './ledger';
import { monthResetAt } from './ledger';
import { estimateCostMicros } from './pricing';
import { routeModels, scoreComplexity, type ModelCooldowns, type RoutingDecision } from './routing';
import { AppError, ModelUnavailableError, RateLimitedError, UsageLimitExceededError } from '../errors';

/** Records a metric with the request type as its dimension (Powertools single metric in production). */
export type UsageMetrics = (requestType: RequestType, name: string, unit: MetricUnitValue, value: number) => void;

/** Settings of the gateway: model defaults, default limits, prices, metering retention. */
export interface GatewaySettings {
  readonly defaultModelId: string;
  readonly defaultTemperature: number;
  readonly defaultMaxTokens: number;
  readonly defaultLimits: TenantLimits;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  readonly retentionDays: number;
  /** Share of a budget at which responses carry a warning (default 0.8). */
  readonly warningThreshold: number;
  /** How long a tenant's limits are kept in memory; a limits change is seen within this time. */
  readonly limitsCacheMs: number;
}

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

/**
 * The one way the service calls a model. Per call it: counts the user's request (per-minute limit), reserves the
 * call's worst case (input estimate + max tokens) against the tenant's monthly token and cost budgets (429
 * `usage_limit_exceeded` once spent; concurrent calls overshoot by one call at most), warns past the threshold,
 * routes (complexity, near-budget, cooldowns), falls back along the template's models on throttling, timeouts
 * and 5xx, and meters exactly what was used (event + atomic rollups), replacing the reservation.
 */
export class ModelGateway {
  private readonly limitsCache = new Map<string, { limits: TenantLimits; loadedAt: number }>();
  private readonly toolTokens = new WeakMap<ModelTool, number>();

  constructor(private readonly deps: GatewayDependencies) {}

  /** The tenant's limits: its override, else the defaults (cached for `limitsCacheMs`). */
  async limitsFor(tenantId: string): Promise<TenantLimits> {
    const cached = this.limitsCache.get(tenantId);
    const now = this.deps.clock().getTime();
    if (cached && now - cached.loadedAt < this.deps.settings.limitsCacheMs) return cached.limits;
    const limits = { ...this.deps.settings.defaultLimits, ...(await this.deps.ledger.limitsOverride(tenantId)) };
    this.limitsCache.set(tenantId, { limits, loadedAt: now });
    return limits;
  }

  async call(request: GatewayRequest): Promise<GatewayResponse> {
    const { ledger, settings, metrics, clock } = this.deps;
    const now = clock();
    const { tenantId } = request.invocation.caller;
    const limits = await this.limitsFor(tenantId);

    const model = request.template.model;
    const maxTokens = model?.max_tokens ?? settings.defaultMaxTokens;
    const primary = model?.id ?? settings.defaultModelId;
    const candidates = [primary, ...(model?.fallbacks ?? []), ...(model?.fast ? [model.fast] : [])];
    const systemTokens = estimateTokens(request.system);
    const inputEstimate =
      systemTokens +
      estimateTokens(request.messages.map((message) => message.text).join('\n')) +
      this.tokensOf(request.tool);
    const worstCase = {
      inputTokens: inputEstimate,
      outputTokens: maxTokens,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    };
    // The user's rate and the budget are checked in one round trip; a rate rejection gives the reservation back.
    const [rate, reserved] = await Promise.all([
      ledger.countUserRequest(tenantId, request.invocation.caller.userId, now),
      ledger.reserve(
        tenantId,
        now,
        {
          tokens: inputEstimate + maxTokens,
          costMicros: Math.max(...candidates.map((id) => estimateCostMicros(id, worstCase, settings.prices))),
        },
        limits,
      ),
    ]);
    if (rate.requests > limits.userRequestsPerMinute) {
      if (reserved.ok) await ledger.release(reserved.reservation);
      metrics(request.requestType, 'LimitRejections', MetricUnit.Count, 1);
      throw new RateLimitedError(`At most ${limits.userRequestsPerMinute} requests per minute`, rate.retryAfterSeconds);
    }
    if (!reserved.ok) {
      metrics(request.requestType, 'LimitRejections', MetricUnit.Count, 1);
      request.invocation.log.warn('monthly budget exhausted', {
        exceeded: reserved.exceeded,
        resetAt: reserved.resetAt.toISOString(),
      });
      throw new UsageLimitExceededError(reserved.exceeded, reserved.resetAt, now);
    }
    const { reservation } = reserved;
    await this.warnNearBudget(request, reservation.utilization, reservation.month, now);

    const lastUser = [...request.messages].reverse().find((message) => message.role === 'user')?.text ?? '';
    const routing = routeModels({
      primary,
      fallbacks: model?.fallbacks ?? [],
      ...(model?.fast ? { fast: model.fast } : {}),
      complexity: scoreComplexity(request.complexityText ?? lastUser).complexity,
      budgetUtilization: reservation.utilization,
      prices: settings.prices,
      isCoolingDown: (id) => this.deps.cooldowns.isCoolingDown(id),
    });

    let answered: { response: StructuredResponse; modelId: string } | undefined;
    let lastError: unknown;
    for (const modelId of routing.candidates) {
      try {
        const structured = {
          system: request.system,
          messages: request.messages,
          tool: request.tool,
          settings: { modelId, temperature: model?.temperature ?? settings.defaultTemperature, maxTokens },
          cacheSystemPrompt: CACHEABLE_MODEL.test(modelId) && systemTokens >= MIN_CACHEABLE_TOKENS,
        };
        const { onDelta } = request;
        const streams = onDelta !== undefined && this.deps.model.streamStructured !== undefined;
        const response = streams
          ? await (this.deps.model.streamStructured as NonNullable<LanguageModel['streamStructured']>)(
              structured,
              onDelta,
            )
          : await this.deps.model.generateStructured(structured);
        answered = { response, modelId };
        break;
      } catch (error) {
        if (!(error instanceof ModelUnavailableError)) {
          await ledger.release(reservation);
          throw error;
        }
        if (isThrottling(error)) this.deps.cooldowns.markThrottled(modelId);
        request.invocation.log.warn('model unavailable; trying the next one', { modelId, error: error.message });
        lastError = error;
      }
    }
    if (!answered) {
      await ledger.release(reservation);
      throw lastError instanceof AppError ? lastError : new ModelUnavailableError('No model answered');
    }

    const { response, modelId } = answered;
    const first = routing.candidates[0] as string;
    const fallbackFrom = modelId === first ? undefined : first;
    const verdict = request.judge(response);
    const costMicros = estimateCostMicros(response.modelId, response.usage, settings.prices);
    const event: UsageEvent = {
      tenantId,
      userId: request.invocation.caller.userId,
      requestType: request.requestType,
      promptTopic: request.template.topic,
      promptVersion: request.template.version,
      modelId: response.modelId,
      usage: response.usage,
      latencyMs: response.latencyMs,
      costMicros,
      outcome: verdict === 'ok' && fallbackFrom ? 'fallback' : verdict,
      routing: { reason: routing.reason, complexity: routing.complexity, ...(fallbackFrom ? { fallbackFrom } : {}) },
      correlationId: request.invocation.correlationId,
      at: now,
    };
    // Metering leaves the model call's path: the transport settles it before the invocation ends.
    request.invocation.usage.defer(ledger.settle(reservation, event, settings.retentionDays), { usageEvent: event });
    request.invocation.log.info('model call', {
      promptTopic: event.promptTopic,
      promptVersion: event.promptVersion,
      modelId: event.modelId,
      routing: event.routing,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
      cacheReadInputTokens: response.usage.cacheReadInputTokens,
      costUsd: costMicros / 1_000_000,
      latencyMs: response.latencyMs,
      outcome: event.outcome,
    });
    metrics(request.requestType, 'InputTokens', MetricUnit.Count, response.usage.inputTokens);
    metrics(request.requestType, 'OutputTokens', MetricUnit.Count, response.usage.outputTokens);
    metrics(request.requestType, 'CostMicroUsd', MetricUnit.Count, costMicros);
    metrics(request.requestType, 'ModelLatency', MetricUnit.Milliseconds, response.latencyMs);
    if (fallbackFrom) metrics(request.requestType, 'ModelFallbacks', MetricUnit.Count, 1);
    return { response, verdict, routing, costMicros, ...(fallbackFrom ? { fallbackFrom } : {}) };
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

  /** Past the threshold: a warning header on the response, and one log line per tenant and month. */
  private async warnNearBudget(request: GatewayRequest, utilization: number, month: string, now: Date): Promise<void> {
    const threshold = this.deps.settings.warningThreshold;
    if (utilization < threshold) return;
    request.invocation.usage.warn(
      `${Math.min(100, Math.round(utilization * 100))}% of the monthly budget is used; it resets at ${monthResetAt(now).toISOString()}`,
    );
    if (await this.deps.ledger.firstWarning(request.invocation.caller.tenantId, month, threshold)) {
      request.invocation.log.warn('usage warning threshold reached', { month, utilization, threshold });
    }
  }
}
