import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../functions/shared/dynamo/client';
import { BedrockLanguageModel, createBedrockClient } from '../../../functions/shared/llm/bedrock-language-model';
import type { PromptTemplate } from '../../../functions/shared/prompts/template';
import { ModelGateway, type GatewayRequest } from '../../../functions/shared/usage/gateway';
import { DynamoUsageLedger } from '../../../functions/shared/usage/dynamo-usage-ledger';
import type { TenantLimits } from '../../../functions/shared/usage/ledger';
import { ModelCooldowns } from '../../../functions/shared/usage/routing';
import { startFakeBedrock, type FakeBedrock } from '../../../local/fake-bedrock';
import { createTables, startDynalite, type LocalDynamo } from '../../../local/dynamo';
import { settleInvocation, testInvocation } from '../../support/invocation';
import { seedTemplate } from '../../support/prompt-fakes';
import {
  ModelTimeoutError,
  ModelUnavailableError,
  RateLimitedError,
  UsageLimitExceededError,
} from '../../../functions/shared/errors';
import { RESERVATION_MARGIN_MS } from '../../../functions/shared/usage/gateway';
import { HAIKU, PRICES, SONNET } from '../../support/usage-fakes';
import * as z from '../../../functions/shared/zod';

const GENEROUS: TenantLimits = {
  monthlyTokenBudget: 10_000_000,
  monthlyCostBudgetUsd: 10_000,
  userRequestsPerMinute: 1000,
};
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;
let ledger: DynamoUsageLedger;
let bedrock: FakeBedrock;
let now: Date;

const template = (model: PromptTemplate['model']): PromptTemplate => ({ ...seedTemplate(), model });

/** The gateway on the fake Bedrock and dynalite; each call's metering is settled before it returns, as a transport does. */
const gatewayWith = (limits: TenantLimits = GENEROUS, cooldowns = new ModelCooldowns(60_000)) => {
  const gateway = rawGatewayWith(limits, cooldowns);
  return {
    call: (call: GatewayRequest) => gateway.call(call).finally(() => settleInvocation(call.invocation)),
  };
};

const rawGatewayWith = (
  limits: TenantLimits = GENEROUS,
  cooldowns = new ModelCooldowns(60_000),
  client: { endpoint: string; maxAttempts: number; retryDelayMs?: number } = {
    endpoint: bedrock.endpoint,
    maxAttempts: 1,
  },
) =>
  new ModelGateway({
    model: new BedrockLanguageModel(
      createBedrockClient({ region: 'us-east-1', retryDelayMs: 100, requestTimeoutMs: 120_000, ...client }),
    ),
    ledger,
    cooldowns,
    metrics: () => undefined,
    clock: () => now,
    settings: {
      defaultModelId: SONNET,
      defaultTemperature: 0.3,
      defaultMaxTokens: 1024,
      defaultLimits: limits,
      prices: PRICES,
      retentionDays: 400,
      warningThreshold: 0.8,
    },
  });

let tenantCounter = 0;
type RequestOverrides = Partial<GatewayRequest> & { userId?: string; log?: typeof silent; budgetMs?: number };
const request = ({
  userId = 'user-1',
  log = silent,
  budgetMs,
  ...overrides
}: RequestOverrides = {}): GatewayRequest => ({
  invocation: testInvocation({ tenantId: `tenant-${tenantCounter}`, userId, log, ...(budgetMs ? { budgetMs } : {}) })
    .invocation,
  requestType: 'insights',
  template: template({ id: SONNET, max_tokens: 500 }),
  system: 'You are a coach.',
  // About 1,000 input tokens, as the fake reports: the reservation (input estimate + max tokens) covers each call.
  messages: [
    {
      role: 'user',
      text: `Please analyse the goals below and build a step-by-step plan. ${'Goal data line. '.repeat(320)}`,
    },
  ],
  tool: { name: 'record', description: 'Record', inputSchema: { type: 'object' } },
  judge: () => 'ok',
  ...overrides,
});

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.endpoint, (envVar) => `gateway-test-${envVar}`);
  client = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint });
  ledger = new DynamoUsageLedger(client, 'gateway-test-USAGE_TABLE');
  bedrock = await startFakeBedrock();
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
  await bedrock.close();
});

beforeEach(() => {
  tenantCounter += 1;
  now = new Date('2026-11-21T10:00:00.000Z');
  bedrock.reset();
  bedrock.setDefault(() => ({ toolInput: { ok: true }, usage: { inputTokens: 1000, outputTokens: 200 } }));
});

describe('metering', () => {
  it('adds up exactly after 25 concurrent calls, by type and model, in the month and day rollups and the ranking', async () => {
    const gateway = gatewayWith();

    await Promise.all(Array.from({ length: 25 }, () => gateway.call(request())));

    const month = await ledger.month(`tenant-${tenantCounter}`, '2026-11');
    const [day] = await ledger.days(`tenant-${tenantCounter}`, '2026-11-21', '2026-11-21');
    const top = await ledger.topTenants('2026-11', 100);
    expect(month).toMatchObject({
      calls: 25,
      inputTokens: 25_000,
      outputTokens: 5_000,
      totalTokens: 30_000,
      costMicros: 25 * 6_000,
    });
    expect(month.committedTokens).toBe(30_000);
    const calls = {
      calls: 25,
      tokens: 30_000,
      inputTokens: 25_000,
      outputTokens: 5_000,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costMicros: 150_000,
    };
    expect(month.byRequestType.insights).toEqual(calls);
    expect(day?.byModel[SONNET]).toEqual(calls);
    expect(day?.byRequestType.insights).toEqual(calls);
    expect(top.find((entry) => entry.tenantId === `tenant-${tenantCounter}`)).toMatchObject({
      calls: 25,
      totalTokens: 30_000,
    });
  });

  it('returns before its metering writes when the caller settles them, and they complete when settled', async () => {
    const call = request();

    await rawGatewayWith().call(call);
    await settleInvocation(call.invocation);

    const month = await ledger.month(`tenant-${tenantCounter}`, '2026-11');
    expect(month).toMatchObject({ calls: 1, totalTokens: 1200, committedTokens: 1200 });
  });

  it('meters cache tokens and prices them', async () => {
    bedrock.setDefault(() => ({
      toolInput: { ok: true },
      usage: { inputTokens: 100, outputTokens: 100, cacheReadInputTokens: 2000, cacheWriteInputTokens: 1000 },
    }));

    await gatewayWith().call(request());

    const month = await ledger.month(`tenant-${tenantCounter}`, '2026-11');
    expect(month).toMatchObject({ cacheReadTokens: 2000, cacheWriteTokens: 1000 });
    // 100 in × 3 + 100 out × 15 + 2000 cache read × 0.3 + 1000 cache write × 3.75 (micro-dollars per token)
    expect(month.costMicros).toBe(300 + 1500 + 600 + 3750);
  });

  it('releases the reservation of a call that never happened', async () => {
    bedrock.setDefault(() => ({ status: 400, errorType: 'ValidationException' }));

    await expect(gatewayWith().call(request())).rejects.toThrow();

    expect((await ledger.month(`tenant-${tenantCounter}`, '2026-11')).committedTokens).toBe(0);
  });
});

describe('budgets', () => {
  it('stops calls at the monthly token budget with at most one call of overshoot, under concurrency', async () => {
    const limits = { ...GENEROUS, monthlyTokenBudget: 10_000 };
    const gateway = gatewayWith(limits);

    const burst = await Promise.allSettled(Array.from({ length: 30 }, () => gateway.call(request())));
    let rejection: unknown;
    for (let i = 0; i < 20 && rejection === undefined; i += 1) {
      rejection = await gateway.call(request()).then(
        () => undefined,
        (error: unknown) => error,
      );
    }

    const rejected = burst.filter((result) => result.status === 'rejected');
    const month = await ledger.month(`tenant-${tenantCounter}`, '2026-11');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((result) => result.reason instanceof UsageLimitExceededError)).toBe(true);
    expect(rejection).toMatchObject({
      code: 'usage_limit_exceeded',
      exceeded: 'tokens',
      resetAt: new Date('2026-12-01T00:00:00.000Z'),
    });
    expect(month.totalTokens % 1200).toBe(0);
    expect(month.totalTokens).toBeGreaterThanOrEqual(limits.monthlyTokenBudget - 1200);
    expect(month.totalTokens).toBeLessThanOrEqual(limits.monthlyTokenBudget + 1200);
    expect(month.committedTokens).toBe(month.totalTokens);
  });

  it('stops at the cost budget too', async () => {
    const gateway = gatewayWith({ ...GENEROUS, monthlyCostBudgetUsd: 0.01 });

    await gateway.call(request());
    await gateway.call(request());

    await expect(gateway.call(request())).rejects.toMatchObject({ exceeded: 'cost' });
  });

  it('resets at the start of the next UTC month, with no job', async () => {
    const gateway = gatewayWith({ ...GENEROUS, monthlyTokenBudget: 1000 });
    now = new Date('2026-11-30T23:59:00.000Z');
    await gateway.call(request());
    await expect(gateway.call(request())).rejects.toBeInstanceOf(UsageLimitExceededError);

    now = new Date('2026-12-01T00:00:01.000Z');

    await expect(gateway.call(request())).resolves.toMatchObject({ verdict: 'ok' });
  });

  it('adds a warning header from 80% of the budget and logs it once a month', async () => {
    const warnings: string[] = [];
    const log = { ...silent, warn: (message: string) => warnings.push(message) };
    // Each call uses 1,200 tokens and reserves about 1,800 while it runs: the 6th reaches 87% of 9,000.
    const gateway = gatewayWith({ ...GENEROUS, monthlyTokenBudget: 9_000 });
    const headersAt = async (): Promise<string | undefined> => {
      const scope = testInvocation({ tenantId: `tenant-${tenantCounter}`, log });
      await gateway.call(request({ invocation: scope.invocation }));
      return scope.warning();
    };

    const early = [await headersAt(), await headersAt(), await headersAt()];
    const late = [await headersAt(), await headersAt(), await headersAt()];

    expect(early[0]).toBeUndefined();
    expect(late.at(-1)).toMatch(/^\d+% of the monthly budget is used; it resets at 2026-12-01T00:00:00.000Z$/);
    expect(warnings.filter((message) => message === 'usage warning threshold reached')).toHaveLength(1);
  });

  it('warns when the month is on course to spend its budget at its daily pace, before the threshold', async () => {
    // On the 3rd, one call of 1,200 tokens is on pace for 1,200 / 3 × 30 = 12,000 of 9,000 by the month's end.
    now = new Date('2026-11-03T10:00:00.000Z');
    const gateway = gatewayWith({ ...GENEROUS, monthlyTokenBudget: 9_000 });
    await gateway.call(request());
    const scope = testInvocation({ tenantId: `tenant-${tenantCounter}` });

    await gateway.call(request({ invocation: scope.invocation }));

    expect(scope.warning()).toBe(
      "At this month's pace 133% of the monthly budget will be used before it resets at 2026-12-01T00:00:00.000Z",
    );
  });

  it('refuses the very next call of every function once an admin lowers the budget, and admits it once raised', async () => {
    // Two gateways stand for two Lambda instances: each has read the tenant's limits before the change.
    const tenantId = `tenant-${tenantCounter}`;
    const instances = [gatewayWith(), gatewayWith()];
    for (const instance of instances) await instance.call(request());
    const { committedTokens } = await ledger.month(tenantId, '2026-11');

    await ledger.updateLimits(tenantId, { monthlyTokenBudget: committedTokens }, 'admin', now);
    const refused = await Promise.allSettled(instances.map((instance) => instance.call(request())));
    const heldAfter = (await ledger.month(tenantId, '2026-11')).committedTokens;
    await ledger.updateLimits(tenantId, { monthlyTokenBudget: null }, 'admin', now);
    const admitted = await Promise.all(instances.map((instance) => instance.call(request())));

    expect(refused.map((result) => result.status === 'rejected' && result.reason)).toEqual([
      expect.objectContaining({ code: 'usage_limit_exceeded', exceeded: 'tokens' }),
      expect.objectContaining({ code: 'usage_limit_exceeded', exceeded: 'tokens' }),
    ]);
    expect(heldAfter).toBe(committedTokens);
    expect(admitted.map((answer) => answer.verdict)).toEqual(['ok', 'ok']);
  });

  it('limits requests per user per minute', async () => {
    const gateway = gatewayWith({ ...GENEROUS, userRequestsPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) await gateway.call(request());

    await expect(gateway.call(request())).rejects.toBeInstanceOf(RateLimitedError);
    await expect(gateway.call(request({ userId: 'user-2' }))).resolves.toBeDefined();
  });
});

describe('routing and fallback', () => {
  it('moves to the fallback model when the primary throttles, records it, and skips the primary while it cools down', async () => {
    bedrock.setDefault((call) =>
      call.modelId === SONNET
        ? { status: 429 }
        : { toolInput: { ok: true }, usage: { inputTokens: 1000, outputTokens: 200 } },
    );
    const gateway = gatewayWith();
    const withFallback = template({ id: SONNET, fallbacks: [HAIKU], max_tokens: 500 });

    const first = await gateway.call(request({ template: withFallback }));
    const callsBefore = bedrock.requests.filter((call) => call.modelId === SONNET).length;
    const second = await gateway.call(request({ template: withFallback }));

    expect(first).toMatchObject({ fallbackFrom: SONNET, response: { modelId: HAIKU } });
    expect(second.routing.skipped).toEqual([{ modelId: SONNET, reason: 'cooldown' }]);
    expect(bedrock.requests.filter((call) => call.modelId === SONNET)).toHaveLength(callsBefore);
    const month = await ledger.month(`tenant-${tenantCounter}`, '2026-11');
    expect(month.byModel).toBeDefined();
    const [day] = await ledger.days(`tenant-${tenantCounter}`, '2026-11-21', '2026-11-21');
    expect(Object.keys(day?.byModel ?? {})).toEqual([HAIKU]);
  });

  it('does not fall back on a validation error', async () => {
    bedrock.setDefault(() => ({ status: 400, errorType: 'ValidationException' }));

    await expect(
      gatewayWith().call(request({ template: template({ id: SONNET, fallbacks: [HAIKU] }) })),
    ).rejects.toMatchObject({ code: 'model_request_rejected' });
    expect(bedrock.requests.map((call) => call.modelId)).toEqual([SONNET]);
  });

  it('routes a simple request to the template’s fast model and records why', async () => {
    const fastTemplate = template({ id: SONNET, fast: HAIKU, max_tokens: 500 });

    const simple = await gatewayWith().call(
      request({ template: fastTemplate, messages: [{ role: 'user', text: 'Thanks, that helps!' }] }),
    );
    const complex = await gatewayWith().call(request({ template: fastTemplate }));

    expect(simple.response.modelId).toBe(HAIKU);
    expect(simple.routing).toMatchObject({ reason: 'fast_model', complexity: 'simple' });
    expect(complex.response.modelId).toBe(SONNET);
  });

  it('routes to the cheapest allowed model near the budget', async () => {
    const gateway = gatewayWith({ ...GENEROUS, monthlyTokenBudget: 12_000 });
    const choice = template({ id: SONNET, fallbacks: [HAIKU], max_tokens: 500 });
    const served: string[] = [];
    for (let i = 0; i < 9; i += 1) served.push((await gateway.call(request({ template: choice }))).response.modelId);

    expect(served[0]).toBe(SONNET);
    expect(served.at(-1)).toBe(HAIKU);
  });
});

describe('deadlines', () => {
  it('cuts a hung model at the deadline with ModelTimeoutError, metering the call as failed with nothing held', async () => {
    bedrock.setDefault(() => ({ toolInput: { ok: true }, hang: true }));
    const started = Date.now();

    const failure = gatewayWith().call(request({ budgetMs: 1_500 }));

    await expect(failure).rejects.toBeInstanceOf(ModelTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await ledger.month(`tenant-${tenantCounter}`, '2026-11')).toMatchObject({
      calls: 1,
      totalTokens: 0,
      committedTokens: 0,
      committedCostMicros: 0,
    });
  });

  it('stops the SDK retrying a throttling model at the deadline, and tries no fallback after it', async () => {
    bedrock.setDefault(() => ({ status: 429 }));
    // Ten attempts 400 ms apart would take 3.6 s; the deadline comes after 1.5 s.
    const gateway = rawGatewayWith(GENEROUS, new ModelCooldowns(60_000), {
      endpoint: bedrock.endpoint,
      maxAttempts: 10,
      retryDelayMs: 400,
    });
    const call = request({ budgetMs: 1_500, template: template({ id: SONNET, fallbacks: [HAIKU] }) });
    const started = Date.now();

    const failure = gateway.call(call).finally(() => settleInvocation(call.invocation));

    await expect(failure).rejects.toBeInstanceOf(ModelTimeoutError);
    const elapsed = Date.now() - started;
    const attempts = bedrock.callCount();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(elapsed).toBeLessThan(3_000);
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(10);
    expect(bedrock.callCount()).toBe(attempts);
    expect(new Set(bedrock.requests.map((call) => call.modelId))).toEqual(new Set([SONNET]));
  });
});

describe('a call killed mid-flight', () => {
  it('stops counting its reservation once it expires, so the budget it held is not lost', async () => {
    const hung = await startFakeBedrock();
    hung.setDefault(() => ({ toolInput: { ok: true }, hang: true }));
    // Room for one call in flight: the hung call's reservation (its input estimate + 500 max tokens) fills it.
    const limits = { ...GENEROUS, monthlyTokenBudget: 1_500 };
    const killed = rawGatewayWith(limits, new ModelCooldowns(60_000), { endpoint: hung.endpoint, maxAttempts: 1 });
    const gateway = gatewayWith(limits);
    const tenantId = `tenant-${tenantCounter}`;
    // The function is killed with its call in flight: its invocation is never settled and nobody releases anything.
    const inFlight = killed.call(request({ budgetMs: 60_000 })).catch((error: unknown) => error);
    while (hung.openCalls() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const whileHeld = await ledger.month(tenantId, '2026-11');
    const refused = await gateway.call(request()).catch((error: unknown) => error);

    now = new Date(now.getTime() + 60_000 + RESERVATION_MARGIN_MS);
    const answered = await gateway.call(request());
    const afterExpiry = await ledger.month(tenantId, '2026-11');
    await hung.close();
    const ended = await inFlight;

    expect(whileHeld.committedTokens).toBeGreaterThanOrEqual(limits.monthlyTokenBudget);
    expect(refused).toBeInstanceOf(UsageLimitExceededError);
    expect(answered.verdict).toBe('ok');
    expect(afterExpiry).toMatchObject({ calls: 1, totalTokens: 1_200, committedTokens: 1_200 });
    expect(ended).toBeInstanceOf(ModelUnavailableError);
    expect((await ledger.month(tenantId, '2026-11')).committedTokens).toBe(1_200);
  });
});

describe('capability routing across families, over HTTP to the fake Bedrock', () => {
  const LLAMA = 'us.meta.llama4-scout-17b-instruct-v1:0';
  const MISTRAL = 'mistral.mistral-large-2407-v1:0';
  const NOVA = 'us.amazon.nova-lite-v1:0';
  /** A zod-derived tool schema with what non-Anthropic families refuse (`$ref`, `anyOf`). */
  const tool = {
    name: 'record',
    description: 'Record',
    inputSchema: z.toJSONSchema(
      z.object({
        owner: z.object({ name: z.string() }).register(z.globalRegistry, { id: 'GatewayOwner' }),
        value: z.union([z.string(), z.number()]),
      }),
      { io: 'input' },
    ) as Record<string, unknown>,
  };

  it.each([
    ['Amazon', NOVA],
    ['Anthropic', HAIKU],
  ])(
    'sends a forced-tool call whose template names Llama then Mistral to the capable %s fallback, and meters it',
    async (_family, capable) => {
      const gateway = gatewayWith();

      const answer = await gateway.call(
        request({ template: template({ id: LLAMA, fallbacks: [MISTRAL, capable] }), tool }),
      );

      expect(answer).toMatchObject({ response: { modelId: capable }, routing: { reason: 'capability_fallback' } });
      expect(answer.routing.skipped.map((skipped) => skipped.modelId)).toEqual([LLAMA, MISTRAL]);
      expect(bedrock.requests.map((received) => [received.modelId, received.rejected])).toEqual([[capable, undefined]]);
      expect(JSON.stringify(bedrock.requests[0]?.body.toolConfig)).toContain('"toolChoice":{"tool":{"name":"record"}}');
      const [day] = await ledger.days(`tenant-${tenantCounter}`, '2026-11-21', '2026-11-21');
      expect(Object.keys(day?.byModel ?? {})).toEqual([capable]);
    },
  );

  it('answers no_capable_model without calling Bedrock or metering anything when no model can force the tool', async () => {
    const gateway = gatewayWith();

    const failure = gateway.call(request({ template: template({ id: LLAMA, fallbacks: [MISTRAL] }), tool }));

    await expect(failure).rejects.toMatchObject({ code: 'no_capable_model', statusCode: 503 });
    expect(bedrock.callCount()).toBe(0);
    expect(await ledger.month(`tenant-${tenantCounter}`, '2026-11')).toMatchObject({ calls: 0, committedTokens: 0 });
  });
});
