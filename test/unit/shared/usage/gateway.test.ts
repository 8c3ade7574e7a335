import {
  ModelRequestError,
  ModelTimeoutError,
  ModelUnavailableError,
  NoCapableModelError,
  RateLimitedError,
  UsageLimitExceededError,
} from '../../../../functions/shared/errors';
import type { Deadline, InvocationScope } from '../../../../functions/shared/invocation';
import { baseModelId, DEFAULT_MODEL_CATALOGUE, modelEntryOf } from '../../../../functions/shared/llm/models';
import type { ModelTool } from '../../../../functions/shared/llm/port';
import { estimateTokens } from '../../../../functions/shared/llm/tokens';
import type { LogSink } from '../../../../functions/shared/observability';
import type { PromptTemplate } from '../../../../functions/shared/prompts/template';
import {
  MIN_CALL_MS,
  ModelGateway,
  RESERVATION_MARGIN_MS,
  SWEEP_INTERVAL_MS,
  type GatewayRequest,
  type GatewayResponse,
  type GatewaySettings,
} from '../../../../functions/shared/usage/gateway';
import { InMemoryUsageLedger } from '../../../../functions/shared/usage/in-memory-usage-ledger';
import type { Reservation, TenantLimits } from '../../../../functions/shared/usage/ledger';
import { ModelCooldowns } from '../../../../functions/shared/usage/routing';
import { bedrockError, FakeLanguageModel, HANG, type ModelScript } from '../../../support/fake-language-model';
import { testInvocation } from '../../../support/invocation';
import { seedTemplate } from '../../../support/prompt-fakes';
import { HAIKU, meterCall, PRICES, SONNET } from '../../../support/usage-fakes';

const CLAUDE_3 = 'anthropic.claude-3-haiku-20240307-v1:0';
const TENANT = 'tenant-a';
const MONTH = '2026-11';
const GENEROUS: TenantLimits = {
  monthlyTokenBudget: 10_000_000,
  monthlyCostBudgetUsd: 10_000,
  userRequestsPerMinute: 1000,
};
const SETTINGS: GatewaySettings = {
  defaultModelId: SONNET,
  defaultTemperature: 0.3,
  defaultMaxTokens: 1024,
  defaultLimits: GENEROUS,
  prices: PRICES,
  retentionDays: 400,
  warningThreshold: 0.8,
};
/** The template the calls are rendered from (with each test's model block). */
const SEED = seedTemplate();
const TOOL: ModelTool = { name: 'record', description: 'Record', inputSchema: { type: 'object' } };
/** Moderate for complexity routing: analytical keywords, one sentence, not short. */
const MODERATE_ASK = 'Please compare these two plans and explain why one of them is better for us.';
/** The gateway's input estimate of a call with `system`, the moderate ask and TOOL. */
const inputEstimate = (system: string): number =>
  estimateTokens(system) + estimateTokens(MODERATE_ASK) + estimateTokens(JSON.stringify(TOOL.inputSchema));

/** The usage ledger twin, with methods a test can make fail and the reservations it granted. */
class ObservedLedger extends InMemoryUsageLedger {
  readonly failing = new Set<'countUserRequest' | 'firstWarning'>();
  readonly granted: Array<{ tokens: number; costMicros: number }> = [];
  /** Every reservation granted, as the gateway got it. */
  readonly reservations: Reservation[] = [];
  /** The tenants swept, in order. */
  readonly swept: string[] = [];
  /** While set, settling waits for it (metering still in flight). */
  settleGate: Promise<void> | undefined;

  override async countUserRequest(...args: Parameters<InMemoryUsageLedger['countUserRequest']>) {
    if (this.failing.has('countUserRequest')) throw new Error('ledger unreachable');
    return super.countUserRequest(...args);
  }

  override async firstWarning(...args: Parameters<InMemoryUsageLedger['firstWarning']>) {
    if (this.failing.has('firstWarning')) throw new Error('ledger unreachable');
    return super.firstWarning(...args);
  }

  override async reserve(...args: Parameters<InMemoryUsageLedger['reserve']>) {
    const result = await super.reserve(...args);
    if (result.ok) this.granted.push({ tokens: result.reservation.tokens, costMicros: result.reservation.costMicros });
    if (result.ok) this.reservations.push(result.reservation);
    return result;
  }

  override async sweep(...args: Parameters<InMemoryUsageLedger['sweep']>) {
    this.swept.push(args[0]);
    return super.sweep(...args);
  }

  override async settle(...args: Parameters<InMemoryUsageLedger['settle']>) {
    await this.settleGate;
    return super.settle(...args);
  }
}

interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: unknown;
}

let now: Date;

/** A gateway on the twin and a fake model, recording its metrics and log lines. */
const harness = (
  options: {
    limits?: TenantLimits;
    script?: ModelScript;
    streams?: boolean;
    settings?: Partial<GatewaySettings>;
  } = {},
) => {
  const ledger = new ObservedLedger();
  const model = new FakeLanguageModel(options.script, { streams: options.streams ?? false });
  const metrics: Array<[string, string, string, number]> = [];
  const logs: LogLine[] = [];
  const line =
    (level: LogLine['level']) =>
    (message: string, ...extra: unknown[]): void => {
      logs.push({ level, message, fields: extra[0] });
    };
  const log: LogSink = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const gateway = new ModelGateway({
    model,
    ledger,
    cooldowns: new ModelCooldowns(60_000, () => now.getTime()),
    metrics: (requestType, name, unit, value) => metrics.push([requestType, name, unit, value]),
    settings: { ...SETTINGS, defaultLimits: options.limits ?? GENEROUS, ...options.settings },
    clock: () => now,
  });
  /** A new invocation of the tenant's user, logging into `logs`, with `budgetMs` (29 s by default) to run. */
  const invocation = (userId = 'user-1', budgetMs?: number): InvocationScope =>
    testInvocation({ tenantId: TENANT, userId, log, correlationId: 'corr-gateway', ...(budgetMs ? { budgetMs } : {}) });
  /** A moderate insights request on Sonnet (500 max tokens), judged ok. */
  const request = (overrides: Partial<GatewayRequest> = {}, scope = invocation()): GatewayRequest => ({
    invocation: scope.invocation,
    requestType: 'insights',
    template: template({ id: SONNET, max_tokens: 500 }),
    system: 'You are a coach.',
    messages: [{ role: 'user', text: MODERATE_ASK }],
    tool: TOOL,
    judge: () => 'ok',
    ...overrides,
  });
  /** Calls the gateway as a transport does: the invocation's deferred metering is settled before this resolves. */
  const call = async (overrides: Partial<GatewayRequest> = {}, scope = invocation()): Promise<GatewayResponse> => {
    try {
      return await gateway.call(request(overrides, scope));
    } finally {
      await scope.settle();
    }
  };
  /** Commits `tokens` of this month's budget, as calls in flight would. */
  const commit = async (tokens: number): Promise<void> => {
    await ledger.reserve(TENANT, now, { tokens, costMicros: 0 }, GENEROUS);
  };
  const committed = async () => {
    const { committedTokens, committedCostMicros } = await ledger.month(TENANT, MONTH);
    return { committedTokens, committedCostMicros };
  };
  return { gateway, ledger, model, metrics, logs, invocation, request, call, commit, committed };
};

const template = (model: PromptTemplate['model']): PromptTemplate => ({ ...seedTemplate(), model });
const warnings = (logs: readonly LogLine[], message: string): LogLine[] =>
  logs.filter((line) => line.level === 'warn' && line.message === message);

beforeEach(() => {
  now = new Date('2026-11-21T10:00:45.000Z');
});

describe('admit', () => {
  it('rejects a user past their requests per minute with a 429 and the seconds left in the minute', async () => {
    const h = harness({ limits: { ...GENEROUS, userRequestsPerMinute: 2 } });
    await h.call();
    await h.call();

    const rejection = h.call();

    await expect(rejection).rejects.toBeInstanceOf(RateLimitedError);
    await expect(rejection).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 15,
      headers: { 'retry-after': '15' },
    });
    expect(h.model.calls).toHaveLength(2);
    expect(h.metrics).toContainEqual(['insights', 'LimitRejections', 'Count', 1]);
    expect(h.metrics.map(([, name]) => name)).not.toContain('BudgetRejections');
  });

  it("does not count the service's own work (a job, the nightly run) against a per-user rate", async () => {
    const h = harness({ limits: { ...GENEROUS, userRequestsPerMinute: 1 } });
    const job = () => testInvocation({ tenantId: TENANT, userId: 'insights-job', isService: true });
    const counted = jest.spyOn(h.ledger, 'countUserRequest');

    const answers = [await h.call({}, job()), await h.call({}, job()), await h.call({}, job())];

    expect(answers.map((answer) => answer.verdict)).toEqual(['ok', 'ok', 'ok']);
    expect(counted).not.toHaveBeenCalled();
  });

  it('still serves the tenant’s other users, and the same user in the next minute', async () => {
    const h = harness({ limits: { ...GENEROUS, userRequestsPerMinute: 1 } });
    await h.call();

    const otherUser = await h.call({}, h.invocation('user-2'));
    now = new Date('2026-11-21T10:01:00.000Z');
    const nextMinute = await h.call();

    expect(otherUser.verdict).toBe('ok');
    expect(nextMinute.verdict).toBe('ok');
  });

  it('rejects once the token budget is spent, naming it and when it resets, without calling the model', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 1_000 } });
    await h.call();

    const rejection = h.call();

    await expect(rejection).rejects.toBeInstanceOf(UsageLimitExceededError);
    await expect(rejection).rejects.toMatchObject({
      code: 'usage_limit_exceeded',
      exceeded: 'tokens',
      resetAt: new Date('2026-12-01T00:00:00.000Z'),
      // 9 days, 13 h 59 min 15 s until the month ends
      retryAfterSeconds: 827_955,
      details: { exceeded: 'tokens', resetAt: '2026-12-01T00:00:00.000Z' },
    });
    expect(h.model.calls).toHaveLength(1);
    expect(warnings(h.logs, 'monthly budget exhausted')).toHaveLength(1);
    expect(h.metrics).toContainEqual(['insights', 'LimitRejections', 'Count', 1]);
    expect(h.metrics).toContainEqual(['insights', 'BudgetRejections', 'Count', 1]);
  });

  it('rejects once the cost budget is spent', async () => {
    // One call costs 6,000 micro-dollars: 1,000 input tokens at $0.003/1K and 200 output tokens at $0.015/1K.
    const h = harness({ limits: { ...GENEROUS, monthlyCostBudgetUsd: 0.005 } });
    await h.call();

    await expect(h.call()).rejects.toMatchObject({ exceeded: 'cost' });
  });

  it.each([
    ['token', { monthlyTokenBudget: 0 }, 'tokens'],
    ['cost', { monthlyCostBudgetUsd: 0 }, 'cost'],
  ])('rejects the first call under a zero %s budget', async (_, limits, exceeded) => {
    const h = harness({ limits: { ...GENEROUS, ...limits } });

    await expect(h.call()).rejects.toMatchObject({ code: 'usage_limit_exceeded', exceeded });
    expect(h.model.calls).toHaveLength(0);
  });

  it('tells a user past their rate so even when the budget is spent too', async () => {
    const h = harness({ limits: { ...GENEROUS, userRequestsPerMinute: 1, monthlyTokenBudget: 0 } });
    await h.ledger.countUserRequest(TENANT, 'user-1', now);

    await expect(h.call()).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('reserves the worst case: the input estimate plus max tokens, priced at the dearest candidate model', async () => {
    const h = harness();
    const system = 'You are a coach.';

    await h.call({ template: template({ id: HAIKU, fallbacks: [SONNET], max_tokens: 500 }), system });

    const input = inputEstimate(system);
    // Sonnet, the dearer: $0.003 per 1K input tokens and $0.015 per 1K output tokens, in micro-dollars per token.
    expect(h.ledger.granted).toEqual([{ tokens: input + 500, costMicros: input * 3 + 500 * 15 }]);
  });

  it('warns the caller from 80% of the budget on, and logs it once a month', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 100_000 } });
    await h.commit(80_000);
    const first = h.invocation();
    const second = h.invocation();

    await h.call({}, first);
    await h.call({}, second);
    now = new Date('2026-12-02T10:00:00.000Z');
    await h.commit(90_000);
    await h.call();

    expect(first.warning()).toMatch(/^8\d% of the monthly budget is used; it resets at 2026-12-01T00:00:00.000Z$/);
    expect(second.warning()).toMatch(/^8\d% of the monthly budget is used/);
    expect(warnings(h.logs, 'usage warning threshold reached').map((line) => line.fields)).toEqual([
      expect.objectContaining({ month: '2026-11', threshold: 0.8 }),
      expect.objectContaining({ month: '2026-12', threshold: 0.8 }),
    ]);
  });

  it('does not warn below the threshold', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 100_000 } });
    await h.commit(70_000);
    const scope = h.invocation();

    await h.call({}, scope);

    expect(scope.warning()).toBeUndefined();
    expect(warnings(h.logs, 'usage warning threshold reached')).toEqual([]);
  });

  it('caps the warning at 100% past the budget', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 10_000 } });
    await h.commit(9_999);
    const scope = h.invocation();

    await h.call({}, scope);

    expect(scope.warning()).toMatch(/^100% of the monthly budget is used/);
  });

  it('warns below the threshold when the month is on course to spend a budget at its daily pace, and logs it once', async () => {
    // By the 10th, 3 calls of 1,200 tokens: 36% of the budget used, on pace for 3,600 / 10 × 30 = 108% by the end.
    now = new Date('2026-11-10T12:00:00.000Z');
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 10_000 } });
    for (let i = 0; i < 3; i += 1) await meterCall(h.ledger, TENANT, now);
    const first = h.invocation();
    const second = h.invocation();

    await h.call({}, first);
    await h.call({}, second);

    expect(first.warning()).toBe(
      "At this month's pace 108% of the monthly budget will be used before it resets at 2026-12-01T00:00:00.000Z",
    );
    expect(second.warning()).toMatch(/^At this month's pace 1\d\d% of the monthly budget will be used/);
    expect(warnings(h.logs, 'usage projected past the budget').map((line) => line.fields)).toEqual([
      { month: MONTH, projectedUtilization: 1.08 },
    ]);
    expect(warnings(h.logs, 'usage warning threshold reached')).toEqual([]);
  });

  it('does not warn while the daily pace stays within the budgets', async () => {
    now = new Date('2026-11-10T12:00:00.000Z');
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 20_000 } });
    for (let i = 0; i < 3; i += 1) await meterCall(h.ledger, TENANT, now);
    const scope = h.invocation();

    await h.call({}, scope);

    expect(scope.warning()).toBeUndefined();
  });

  it('applies the tenant’s override over the defaults', async () => {
    const h = harness();
    await h.ledger.updateLimits(TENANT, { userRequestsPerMinute: 1 }, 'admin', now);
    await h.call();

    await expect(h.call()).rejects.toBeInstanceOf(RateLimitedError);
    expect((await h.call({}, h.invocation('user-2'))).verdict).toBe('ok');
  });

  it('refuses the very next call once a budget is lowered below what is used, giving its reservation back', async () => {
    const h = harness();
    await h.call();
    const { committedTokens } = await h.committed();

    await h.ledger.updateLimits(TENANT, { monthlyTokenBudget: committedTokens }, 'admin', now);
    const next = h.call();

    await expect(next).rejects.toMatchObject({ code: 'usage_limit_exceeded', exceeded: 'tokens' });
    expect(h.model.calls).toHaveLength(1);
    expect((await h.committed()).committedTokens).toBe(committedTokens);
  });

  it('admits the very next call once a spent budget is raised', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyCostBudgetUsd: 0 } });
    await expect(h.call()).rejects.toMatchObject({ exceeded: 'cost' });

    await h.ledger.updateLimits(TENANT, { monthlyCostBudgetUsd: 10 }, 'admin', now);

    expect((await h.call()).verdict).toBe('ok');
  });

  it('applies a lowered rate to the very next request', async () => {
    const h = harness();
    await h.call();

    await h.ledger.updateLimits(TENANT, { userRequestsPerMinute: 1 }, 'admin', now);

    await expect(h.call()).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('reads the limits in the same round trip as the rate count and the reservation', async () => {
    const h = harness();
    await h.call();
    const order: string[] = [];
    const ledger = h.ledger as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const method of ['limitsOverride', 'countUserRequest', 'reserve']) {
      const original = ledger[method]!.bind(h.ledger);
      ledger[method] = async (...args) => {
        order.push(`start ${method}`);
        const result = await original(...args);
        order.push(`end ${method}`);
        return result;
      };
    }

    await h.call();

    expect(order.slice(0, 3).every((step) => step.startsWith('start'))).toBe(true);
    expect(order).toHaveLength(6);
  });
});

describe('invoke', () => {
  const withFallback = template({ id: SONNET, fallbacks: [HAIKU], max_tokens: 500 });

  it('falls back when a model throttles, and skips it while it cools down', async () => {
    const h = harness({
      script: (request) => (request.settings.modelId === SONNET ? bedrockError('ThrottlingException') : {}),
    });

    const first = await h.call({ template: withFallback });
    const asked = h.model.modelIds.length;
    const second = await h.call({ template: withFallback });
    const duringCooldown = h.model.modelIds.slice(asked);
    now = new Date(now.getTime() + 60_000);
    const afterCooldown = await h.call({ template: withFallback });

    expect(first).toMatchObject({ fallbackFrom: SONNET, response: { modelId: HAIKU } });
    expect(second.routing).toMatchObject({
      candidates: [HAIKU, SONNET],
      skipped: [{ modelId: SONNET, reason: 'cooldown' }],
    });
    expect(duringCooldown).toEqual([HAIKU]);
    expect(afterCooldown.routing.skipped).toEqual([]);
    expect(warnings(h.logs, 'model unavailable; trying the next one')[0]?.fields).toMatchObject({ modelId: SONNET });
  });

  it.each(['ServiceUnavailableException', 'InternalServerException', 'ModelTimeoutException'])(
    'falls back on %s without cooling the model down',
    async (name) => {
      const h = harness({ script: (request) => (request.settings.modelId === SONNET ? bedrockError(name) : {}) });

      const first = await h.call({ template: withFallback });
      const second = await h.call({ template: withFallback });

      expect(first).toMatchObject({ fallbackFrom: SONNET, response: { modelId: HAIKU } });
      expect(second.routing.candidates[0]).toBe(SONNET);
    },
  );

  it.each(['ValidationException', 'AccessDeniedException'])('does not fall back on %s', async (name) => {
    const h = harness({ script: () => bedrockError(name) });

    await expect(h.call({ template: withFallback })).rejects.toBeInstanceOf(ModelRequestError);
    expect(h.model.modelIds).toEqual([SONNET]);
  });

  it('fails with the last model’s error when no model answers', async () => {
    const h = harness({
      script: (request) =>
        bedrockError(request.settings.modelId === SONNET ? 'ThrottlingException' : 'ServiceUnavailableException'),
    });

    const failure = h.call({ template: withFallback });

    await expect(failure).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(failure).rejects.toMatchObject({ message: 'Bedrock ServiceUnavailableException' });
    expect(h.model.modelIds).toEqual([SONNET, HAIKU]);
  });

  it('routes a simple request to the template’s fast model, and any other to the primary', async () => {
    const h = harness();
    const withFast = template({ id: SONNET, fast: HAIKU, max_tokens: 500 });

    const simple = await h.call({ template: withFast, messages: [{ role: 'user', text: 'Thanks, that helps!' }] });
    const moderate = await h.call({ template: withFast });
    const scoredApart = await h.call({ template: withFast, complexityText: 'ok thanks' });

    expect(simple).toMatchObject({
      response: { modelId: HAIKU },
      routing: { reason: 'fast_model', complexity: 'simple' },
    });
    expect(moderate).toMatchObject({
      response: { modelId: SONNET },
      routing: { reason: 'primary', complexity: 'moderate' },
    });
    expect(scoredApart.response.modelId).toBe(HAIKU);
  });

  it('scores the last user message, not the assistant’s', async () => {
    const h = harness();
    const withFast = template({ id: SONNET, fast: HAIKU, max_tokens: 500 });

    const answer = await h.call({
      template: withFast,
      messages: [
        { role: 'user', text: 'Hi!' },
        { role: 'assistant', text: MODERATE_ASK },
      ],
    });

    expect(answer.routing.complexity).toBe('simple');
  });

  it('puts the cheapest model first near the budget', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 10_000 } });
    await h.commit(9_000);

    const answer = await h.call({ template: withFallback });

    expect(answer).toMatchObject({ response: { modelId: HAIKU }, routing: { reason: 'near_budget_cheapest' } });
    expect(answer.fallbackFrom).toBeUndefined();
  });

  it('marks a system prompt of 1,024 tokens or more as a cache point, on Claude 4 models only', async () => {
    const h = harness();
    const long = 'coach '.repeat(1100);

    await h.call({ system: long });
    await h.call({ system: 'You are a coach.' });
    await h.call({ system: long, template: template({ id: CLAUDE_3 }) });

    expect(h.model.calls.map((call) => call.request.cacheSystemPrompt)).toEqual([true, false, false]);
  });

  it('streams to onDelta when the model streams, and asks for the whole answer otherwise', async () => {
    const streaming = harness({ streams: true });
    const plain = harness();
    const deltas: string[] = [];

    await streaming.call({ onDelta: (fragment) => deltas.push(fragment) });
    await streaming.call();
    const answer = await plain.call({ onDelta: (fragment) => deltas.push(fragment) });

    expect(deltas).toEqual(['{"ok":true}']);
    expect(streaming.model.calls.map((call) => call.streamed)).toEqual([true, false]);
    expect(plain.model.calls.map((call) => call.streamed)).toEqual([false]);
    expect(answer.response.toolInput).toEqual({ ok: true });
  });

  it('asks with the template’s model settings, and the defaults where the template has none', async () => {
    const h = harness();
    const { model: _model, ...bare } = seedTemplate();

    await h.call({ template: template({ id: HAIKU, temperature: 0.7, max_tokens: 321 }) });
    await h.call({ template: bare });

    expect(h.model.calls.map((call) => call.request.settings)).toEqual([
      { modelId: HAIKU, temperature: 0.7, maxTokens: 321 },
      { modelId: SONNET, temperature: 0.3, maxTokens: 1024 },
    ]);
    expect(h.model.calls[0]?.request).toMatchObject({ system: 'You are a coach.', tool: TOOL });
  });
});

describe('meter', () => {
  it('records the usage event of the call and replaces the reservation by the actual use', async () => {
    const h = harness();
    const scope = testInvocation({ tenantId: TENANT, userId: 'user-9', correlationId: 'corr-meter' });

    await h.call({ requestType: 'conversation' }, scope);

    expect(h.ledger.events()).toEqual([
      {
        tenantId: TENANT,
        userId: 'user-9',
        requestType: 'conversation',
        promptTopic: SEED.topic,
        promptVersion: SEED.version,
        modelId: SONNET,
        usage: { inputTokens: 1000, outputTokens: 200, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
        latencyMs: 800,
        costMicros: 6_000,
        outcome: 'ok',
        routing: { reason: 'primary', complexity: 'moderate' },
        correlationId: 'corr-meter',
        at: now,
      },
    ]);
    expect(await h.committed()).toEqual({ committedTokens: 1_200, committedCostMicros: 6_000 });
  });

  it('returns before its metering is written, which the invocation settles', async () => {
    const h = harness();
    let open = (): void => undefined;
    h.ledger.settleGate = new Promise((resolve) => (open = resolve));
    const scope = h.invocation();

    const answer = await h.gateway.call(h.request({}, scope));
    const before = h.ledger.events().length;
    open();
    await scope.settle();

    expect(answer.costMicros).toBe(6_000);
    expect(before).toBe(0);
    expect(h.ledger.events()).toHaveLength(1);
  });

  it.each([
    ['ok', false, 'ok'],
    ['ok', true, 'fallback'],
    ['repaired', false, 'repaired'],
    ['repaired', true, 'repaired'],
    ['failed', true, 'failed'],
  ] as const)('meters a %s answer (fallback: %s) as %s', async (verdict, fallback, outcome) => {
    const h = harness({
      script: (request) => (fallback && request.settings.modelId === SONNET ? bedrockError('ThrottlingException') : {}),
    });

    const answer = await h.call({ template: template({ id: SONNET, fallbacks: [HAIKU] }), judge: () => verdict });

    expect(answer.verdict).toBe(verdict);
    expect(h.ledger.events()[0]?.outcome).toBe(outcome);
    expect(h.ledger.events()[0]?.routing.fallbackFrom).toBe(fallback ? SONNET : undefined);
  });

  it.each([
    ['an inference profile id', HAIKU, { inputTokens: 1000, outputTokens: 200 }, 2_000],
    ['a base model id', 'anthropic.claude-haiku-4-5-20251001-v1:0', { inputTokens: 1000, outputTokens: 200 }, 2_000],
    [
      'cache tokens',
      SONNET,
      { inputTokens: 100, outputTokens: 100, cacheReadInputTokens: 2000, cacheWriteInputTokens: 1000 },
      6_150,
    ],
    ['an unpriced model', 'meta.llama3-70b-instruct-v1:0', { inputTokens: 1000, outputTokens: 200 }, 0],
  ])('prices the call by the model that answered: %s', async (_, modelId, usage, costMicros) => {
    const h = harness({
      script: () => ({ modelId, usage: { cacheReadInputTokens: 0, cacheWriteInputTokens: 0, ...usage } }),
    });

    const answer = await h.call();

    expect(answer.costMicros).toBe(costMicros);
    expect(h.ledger.events()[0]).toMatchObject({ modelId, costMicros });
  });

  it('emits tokens, cost, latency and the outcome per request type, and counts throttles and fallbacks', async () => {
    const h = harness({
      script: (request) => (request.settings.modelId === SONNET ? bedrockError('ThrottlingException') : {}),
    });

    await h.call({ requestType: 'nudge', template: template({ id: SONNET, fallbacks: [HAIKU] }) });

    expect(h.metrics).toEqual([
      ['nudge', 'ModelThrottles', 'Count', 1],
      ['nudge', 'InputTokens', 'Count', 1000],
      ['nudge', 'OutputTokens', 'Count', 200],
      ['nudge', 'CostMicroUsd', 'Count', 2_000],
      ['nudge', 'ModelLatency', 'Milliseconds', 800],
      ['nudge', 'ModelCalls_fallback', 'Count', 1],
      ['nudge', 'ModelFallbacks', 'Count', 1],
    ]);
  });

  it('emits no throttle or fallback count for a call the first model answered', async () => {
    const h = harness();

    await h.call({ requestType: 'analysis' });

    expect(h.metrics.map(([, name]) => name)).toEqual([
      'InputTokens',
      'OutputTokens',
      'CostMicroUsd',
      'ModelLatency',
      'ModelCalls_ok',
    ]);
  });

  it('counts no throttle for a fallback after a server error', async () => {
    const h = harness({
      script: (request) => (request.settings.modelId === SONNET ? bedrockError('ServiceUnavailableException') : {}),
    });

    await h.call({ template: template({ id: SONNET, fallbacks: [HAIKU] }) });

    expect(h.metrics.map(([, name]) => name)).not.toContain('ModelThrottles');
    expect(h.metrics).toContainEqual(['insights', 'ModelFallbacks', 'Count', 1]);
  });

  it.each(['repaired', 'failed'] as const)('counts a call judged %s by its outcome', async (verdict) => {
    const h = harness();

    await h.call({ judge: () => verdict });

    expect(h.metrics).toContainEqual(['insights', `ModelCalls_${verdict}`, 'Count', 1]);
  });

  it('logs one line per call with its provenance, tokens, cost and outcome', async () => {
    const h = harness();

    await h.call();

    expect(h.logs.filter((line) => line.message === 'model call')).toEqual([
      {
        level: 'info',
        message: 'model call',
        fields: {
          promptTopic: SEED.topic,
          promptVersion: SEED.version,
          modelId: SONNET,
          routing: { reason: 'primary', complexity: 'moderate' },
          inputTokens: 1000,
          outputTokens: 200,
          cacheReadInputTokens: 0,
          costUsd: 0.006,
          latencyMs: 800,
          outcome: 'ok',
        },
      },
    ]);
  });

  it('meters a call whose judge throws as failed, and passes the error on', async () => {
    const h = harness();

    const failure = h.call({
      judge: () => {
        throw new Error('judge broke');
      },
    });

    await expect(failure).rejects.toThrow('judge broke');
    expect(h.ledger.events().map((event) => event.outcome)).toEqual(['failed']);
    expect(await h.committed()).toEqual({ committedTokens: 1_200, committedCostMicros: 6_000 });
  });
});

describe('the reservation on failure paths', () => {
  /** A call that fails after its reservation: the harness it runs on, and what happens before it. */
  interface FailingCall {
    readonly options?: Parameters<typeof harness>[0];
    readonly arrange?: (h: ReturnType<typeof harness>) => Promise<void>;
    readonly request?: Partial<GatewayRequest>;
  }
  const cases: Array<[string, FailingCall]> = [
    [
      'a rate rejection',
      {
        arrange: async (h) => void (await h.ledger.countUserRequest(TENANT, 'user-1', now)),
        options: { limits: { ...GENEROUS, userRequestsPerMinute: 1 } },
      },
    ],
    ['a rejected model request', { options: { script: () => bedrockError('ValidationException') } }],
    [
      'no model answering',
      {
        options: { script: () => bedrockError('ThrottlingException') },
        request: { template: template({ id: SONNET, fallbacks: [HAIKU] }) },
      },
    ],
    ['an error that is not the model’s', { options: { script: () => new TypeError('a bug') } }],
    ['a failing rate count', { arrange: async (h) => void h.ledger.failing.add('countUserRequest') }],
    [
      'a failing warning write',
      {
        arrange: async (h) => {
          await h.commit(9_000_000);
          h.ledger.failing.add('firstWarning');
        },
      },
    ],
  ];

  it.each(cases)('is given back after %s', async (_, { options, arrange, request }) => {
    const h = harness(options);
    await arrange?.(h);
    const before = await h.committed();

    await expect(h.call(request)).rejects.toThrow();

    expect(await h.committed()).toEqual(before);
    expect(h.ledger.events()).toEqual([]);
  });
});

describe('the deadline', () => {
  /** An invocation whose remaining time the test sets (`left.ms`), whatever the wall clock says. */
  const steered = (h: ReturnType<typeof harness>, ms: number) => {
    const scope = h.invocation();
    const left = { ms };
    const deadline: Deadline = { at: Date.now() + ms, remainingMs: () => left.ms };
    return { scope, left, invocation: { ...scope.invocation, deadline } };
  };
  const withFallback = template({ id: SONNET, fallbacks: [HAIKU], max_tokens: 500 });

  it('fails a call that cannot start with the least useful time left at once, counting and reserving nothing', async () => {
    const h = harness();
    const { scope, invocation } = steered(h, MIN_CALL_MS - 1);

    const failure = h.call({ invocation }, scope);

    await expect(failure).rejects.toBeInstanceOf(ModelTimeoutError);
    await expect(failure).rejects.toMatchObject({ statusCode: 504, code: 'model_timeout' });
    expect(h.model.calls).toEqual([]);
    expect(h.ledger.granted).toEqual([]);
    expect((await h.ledger.countUserRequest(TENANT, 'user-1', now)).requests).toBe(1);
    expect(h.metrics).toContainEqual(['insights', 'ModelTimeouts', 'Count', 1]);
  });

  it('cuts a hung model at the deadline with ModelTimeoutError, through the signal it passes', async () => {
    const h = harness({ script: () => HANG, settings: { minCallMs: 50 } });
    const scope = h.invocation('user-1', 300);
    const started = Date.now();

    const failure = h.call({}, scope);

    await expect(failure).rejects.toBeInstanceOf(ModelTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(h.model.calls[0]?.request.signal?.aborted).toBe(true);
  });

  it('meters a call cut at its deadline as failed, its reservation replaced by no use', async () => {
    const h = harness({ script: () => HANG, settings: { minCallMs: 50 } });

    await expect(h.call({}, h.invocation('user-1', 200))).rejects.toBeInstanceOf(ModelTimeoutError);

    expect(h.ledger.events()).toEqual([
      expect.objectContaining({
        modelId: SONNET,
        outcome: 'failed',
        costMicros: 0,
        usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
      }),
    ]);
    expect(await h.committed()).toEqual({ committedTokens: 0, committedCostMicros: 0 });
    expect(h.metrics).toContainEqual(['insights', 'ModelTimeouts', 'Count', 1]);
    expect(h.metrics).toContainEqual(['insights', 'ModelCalls_failed', 'Count', 1]);
  });

  it('tries no fallback model once the deadline has cut the first', async () => {
    const h = harness({
      script: (request) => (request.settings.modelId === SONNET ? HANG : {}),
      settings: { minCallMs: 50 },
    });

    await expect(h.call({ template: withFallback }, h.invocation('user-1', 200))).rejects.toBeInstanceOf(
      ModelTimeoutError,
    );

    expect(h.model.modelIds).toEqual([SONNET]);
  });

  it('starts no fallback with less than the least useful time left, and gives the reservation back', async () => {
    const time = { left: { ms: 0 } };
    const h = harness({
      script: (request) => {
        // The first model used up nearly all the time there was before it failed.
        time.left.ms = MIN_CALL_MS - 1;
        return request.settings.modelId === SONNET ? bedrockError('ThrottlingException') : {};
      },
    });
    const { scope, left, invocation } = steered(h, 10_000);
    time.left = left;

    await expect(h.call({ template: withFallback, invocation }, scope)).rejects.toBeInstanceOf(ModelUnavailableError);

    expect(h.model.modelIds).toEqual([SONNET]);
    expect(await h.committed()).toEqual({ committedTokens: 0, committedCostMicros: 0 });
    expect(h.ledger.events()).toEqual([]);
  });

  it('falls back when a model times out (its request timeout) while time is left, metering the answer once', async () => {
    const h = harness({
      script: (request) => (request.settings.modelId === SONNET ? new ModelTimeoutError('request timeout') : {}),
    });

    const answer = await h.call({ template: withFallback });

    expect(answer).toMatchObject({ fallbackFrom: SONNET, response: { modelId: HAIKU } });
    expect(h.ledger.events().map((event) => [event.modelId, event.outcome])).toEqual([[HAIKU, 'fallback']]);
    expect(warnings(h.logs, 'model call timed out')[0]?.fields).toMatchObject({ modelId: SONNET });
  });

  it('meters a request timeout of the last model as failed and ends the call with it', async () => {
    const h = harness({ script: () => new ModelTimeoutError('request timeout') });

    await expect(h.call()).rejects.toBeInstanceOf(ModelTimeoutError);

    expect(h.ledger.events().map((event) => [event.modelId, event.outcome])).toEqual([[SONNET, 'failed']]);
    expect(await h.committed()).toEqual({ committedTokens: 0, committedCostMicros: 0 });
  });

  it('gives the reservation an expiry of the deadline plus a margin, on the gateway clock', async () => {
    const h = harness();
    const { scope, invocation } = steered(h, 20_000);

    await h.call({ invocation }, scope);

    expect(h.ledger.reservations.map((reservation) => reservation.expiresAt)).toEqual([
      new Date(now.getTime() + 20_000 + RESERVATION_MARGIN_MS),
    ]);
  });
});

describe('reservations that leak', () => {
  const LEAK = { tokens: 9_000, costMicros: 0 };

  it('sweeps the tenant’s expired reservations alongside a call, at most once a minute per tenant', async () => {
    const h = harness();
    const leak = async () => void (await h.ledger.reserve(TENANT, now, LEAK, GENEROUS, new Date(now.getTime() - 1)));
    await leak();

    await h.call();
    await leak();
    now = new Date(now.getTime() + SWEEP_INTERVAL_MS - 1);
    await h.call();
    const leftBetweenSweeps = (await h.committed()).committedTokens;
    now = new Date(now.getTime() + 1);
    await h.call();

    expect(h.ledger.swept).toEqual([TENANT, TENANT]);
    expect(leftBetweenSweeps).toBe(3 * 1_200 - 1_200 + LEAK.tokens);
    expect((await h.committed()).committedTokens).toBe(3 * 1_200);
  });

  it('never lets a leaked reservation refuse a call: the refusal sweeps first', async () => {
    const h = harness({ limits: { ...GENEROUS, monthlyTokenBudget: 10_000 } });
    await h.ledger.reserve(TENANT, now, { tokens: 10_000, costMicros: 0 }, GENEROUS, new Date(now.getTime() + 1_000));
    const beforeExpiry = h.call();
    await expect(beforeExpiry).rejects.toBeInstanceOf(UsageLimitExceededError);
    now = new Date(now.getTime() + 1_000);

    const answer = await h.call();

    expect(answer.verdict).toBe('ok');
    expect(h.model.calls).toHaveLength(1);
    expect((await h.committed()).committedTokens).toBe(1_200);
  });

  it('stops counting a hung call whose invocation was abandoned (never settled) once its reservation expires', async () => {
    const h = harness({
      // The hung call's reservation (its input estimate plus 500 max tokens) fills the budget.
      limits: { ...GENEROUS, monthlyTokenBudget: 500 },
      script: (request) => (request.messages[0]?.text === 'hang' ? HANG : {}),
    });
    const abandoned = h.invocation('user-1', 60_000);
    void h.gateway.call(h.request({ messages: [{ role: 'user', text: 'hang' }] }, abandoned)).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    const whileHung = await h.committed();
    const refused = h.call();
    await expect(refused).rejects.toBeInstanceOf(UsageLimitExceededError);

    now = new Date(now.getTime() + 60_000 + RESERVATION_MARGIN_MS + 1);
    const answer = await h.call();

    expect(whileHung.committedTokens).toBeGreaterThanOrEqual(500);
    expect(answer.verdict).toBe('ok');
    expect(await h.committed()).toEqual({ committedTokens: 1_200, committedCostMicros: 6_000 });
  });
});

describe('capability routing', () => {
  const LLAMA = 'us.meta.llama3-3-70b-instruct-v1:0';
  const MISTRAL = 'mistral.mistral-large-2407-v1:0';
  const NOVA = 'us.amazon.nova-lite-v1:0';
  const GPT_OSS = 'openai.gpt-oss-120b-1:0';

  it('routes a forced-tool request naming a Llama model to a capable fallback of another family, logging the skip', async () => {
    const h = harness();

    const answer = await h.call({ template: template({ id: LLAMA, fallbacks: [MISTRAL, NOVA, SONNET] }) });

    expect(h.model.modelIds).toEqual([NOVA]);
    expect(answer.routing).toMatchObject({
      candidates: [NOVA, SONNET],
      reason: 'capability_fallback',
      skipped: [
        { modelId: LLAMA, reason: 'incapable', lacks: 'forcedToolChoice' },
        { modelId: MISTRAL, reason: 'incapable', lacks: 'forcedToolChoice' },
      ],
    });
    expect(answer.fallbackFrom).toBeUndefined();
    expect(warnings(h.logs, 'model skipped: it lacks what the request needs').map((line) => line.fields)).toEqual([
      expect.objectContaining({ modelId: LLAMA, lacks: 'forcedToolChoice' }),
      expect.objectContaining({ modelId: MISTRAL, lacks: 'forcedToolChoice' }),
    ]);
    const month = await h.ledger.month(TENANT, MONTH);
    expect(month.calls).toBe(1);
  });

  it('falls back across families when a capable model throttles', async () => {
    const h = harness({
      script: (request) => (request.settings.modelId === NOVA ? bedrockError('ThrottlingException') : {}),
    });

    const answer = await h.call({ template: template({ id: NOVA, fallbacks: [SONNET] }) });

    expect(h.model.modelIds).toEqual([NOVA, SONNET]);
    expect(answer).toMatchObject({ fallbackFrom: NOVA, response: { modelId: SONNET }, routing: { reason: 'primary' } });
  });

  it('keeps a model without streamed tool use off a streamed call, and uses it for a whole answer', async () => {
    const h = harness({ streams: true });
    const gptFirst = template({ id: GPT_OSS, fallbacks: [HAIKU] });

    const streamed = await h.call({ template: gptFirst, onDelta: () => undefined });
    const whole = await h.call({ template: gptFirst });

    expect(streamed.response.modelId).toBe(HAIKU);
    expect(streamed.routing.skipped).toEqual([{ modelId: GPT_OSS, reason: 'incapable', lacks: 'streamingToolUse' }]);
    expect(whole).toMatchObject({ response: { modelId: GPT_OSS }, routing: { reason: 'primary', skipped: [] } });
  });

  it('skips a model whose max output is below the max tokens asked for', async () => {
    const h = harness();

    const answer = await h.call({ template: template({ id: NOVA, fallbacks: [SONNET], max_tokens: 16_000 }) });

    expect(h.model.modelIds).toEqual([SONNET]);
    expect(answer.routing.skipped).toEqual([{ modelId: NOVA, reason: 'incapable', lacks: 'maxOutputTokens' }]);
  });

  it('reads the capabilities from the configured catalogue', async () => {
    const sonnet = modelEntryOf(SONNET, DEFAULT_MODEL_CATALOGUE)!;
    const catalogue = {
      ...DEFAULT_MODEL_CATALOGUE,
      [baseModelId(SONNET)]: { ...sonnet, capabilities: { ...sonnet.capabilities, forcedToolChoice: false } },
    };
    const h = harness({ settings: { catalogue } });

    const answer = await h.call({ template: template({ id: SONNET, fallbacks: [HAIKU] }) });

    expect(answer.routing).toMatchObject({ candidates: [HAIKU], reason: 'capability_fallback' });
  });

  it('prices the worst case at the dearest capable model only', async () => {
    const h = harness({
      settings: {
        prices: { ...PRICES, [MISTRAL]: { inputPer1k: 0.1, outputPer1k: 0.1, cacheReadPer1k: 0, cacheWritePer1k: 0 } },
      },
    });
    const system = 'You are a coach.';

    await h.call({ template: template({ id: HAIKU, fallbacks: [MISTRAL], max_tokens: 500 }), system });

    const input = inputEstimate(system);
    // Haiku: $0.001 per 1K input tokens and $0.005 per 1K output tokens; Mistral, dearer here, cannot serve the call.
    expect(h.ledger.granted).toEqual([{ tokens: input + 500, costMicros: input * 1 + 500 * 5 }]);
  });

  it('fails with no_capable_model (503) when no model fits, counting, reserving and metering nothing', async () => {
    const h = harness();

    const failure = h.call({ template: template({ id: LLAMA, fallbacks: [MISTRAL] }) });

    await expect(failure).rejects.toBeInstanceOf(NoCapableModelError);
    await expect(failure).rejects.toMatchObject({ code: 'no_capable_model', statusCode: 503 });
    expect(h.model.calls).toEqual([]);
    expect(h.ledger.granted).toEqual([]);
    expect(await h.ledger.month(TENANT, MONTH)).toMatchObject({ calls: 0, committedTokens: 0 });
    expect(h.metrics.map(([, name]) => name)).toEqual(['NoCapableModel']);
    const [logged] = h.logs.filter((line) => line.message === 'no model can serve the request');
    expect(logged).toMatchObject({
      level: 'error',
      fields: {
        lacking: [
          { modelId: LLAMA, lacks: 'forcedToolChoice' },
          { modelId: MISTRAL, lacks: 'forcedToolChoice' },
        ],
      },
    });
  });

  it('does not count the request against the user’s rate when no model fits', async () => {
    const h = harness({ limits: { ...GENEROUS, userRequestsPerMinute: 1 } });

    await expect(h.call({ template: template({ id: LLAMA }) })).rejects.toBeInstanceOf(NoCapableModelError);
    const answer = await h.call();

    expect(answer.response.modelId).toBe(SONNET);
  });

  it('takes a model missing from the catalogue to fit, warning of it once per process', async () => {
    const h = harness();

    await h.call({ template: template({ id: CLAUDE_3 }) });
    await h.call({ template: template({ id: CLAUDE_3 }) });

    expect(h.model.modelIds).toEqual([CLAUDE_3, CLAUDE_3]);
    expect(
      warnings(h.logs, 'model not in the catalogue; taken to fit every request').map((line) => line.fields),
    ).toEqual([{ modelId: CLAUDE_3 }]);
  });
});
