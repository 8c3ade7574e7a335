import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { insightsOutputSchema } from '../../../functions/insights/model';
import { BedrockLanguageModel, createBedrockClient } from '../../../functions/shared/llm/bedrock-language-model';
import { DEFAULT_MODEL_CATALOGUE } from '../../../functions/shared/llm/models';
import * as z from '../../../functions/shared/zod';
import type { StructuredRequest } from '../../../functions/shared/llm/port';
import { startFakeBedrock } from '../../../local/fake-bedrock';
import type { FakeBedrock } from '../../../local/fake-bedrock';
import { ModelRequestError, ModelTimeoutError, ModelUnavailableError } from '../../../functions/shared/errors';

const MODEL_ID = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const MAX_ATTEMPTS = 3;

const request: StructuredRequest = {
  system: 'You are a business coach.',
  messages: [{ role: 'user', text: 'Revenue fell 12% this month. What should I look at?' }],
  tool: {
    name: 'record_insights',
    description: 'Record the insights for the dashboard.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { headline: { type: 'string' } },
      required: ['headline'],
    },
  },
  settings: { modelId: MODEL_ID, temperature: 0.3, maxTokens: 1024 },
};

const expectRejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
};

let fake: FakeBedrock;
let model: BedrockLanguageModel;

beforeAll(async () => {
  fake = await startFakeBedrock();
  model = new BedrockLanguageModel(
    createBedrockClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      maxAttempts: MAX_ATTEMPTS,
      retryDelayMs: 5,
      requestTimeoutMs: 120_000,
    }),
  );
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('BedrockLanguageModel against the fake Bedrock', () => {
  it('returns the input of the forced tool call with the model id and stop reason', async () => {
    fake.enqueue({ toolInput: { headline: 'Margins are slipping' } });

    const response = await model.generateStructured(request);

    expect(response.toolInput).toEqual({ headline: 'Margins are slipping' });
    expect(response.stopReason).toBe('tool_use');
    expect(response.modelId).toBe(MODEL_ID);
  });

  it('returns the text written before the tool call alongside the tool input', async () => {
    fake.enqueue({ text: 'Let me record that.', toolInput: { headline: 'Margins are slipping' } });

    const response = await model.generateStructured(request);

    expect(response.text).toBe('Let me record that.');
    expect(response.toolInput).toEqual({ headline: 'Margins are slipping' });
  });

  it('marks the system prompt as a cache prefix only when asked to', async () => {
    fake.enqueue({ toolInput: { answer: 'ok' } });

    await model.generateStructured({ ...request, cacheSystemPrompt: true });

    expect(fake.requests[0]?.body.system).toEqual([
      { text: 'You are a business coach.' },
      { cachePoint: { type: 'default' } },
    ]);
  });

  it('sends one Converse call with the system, messages, inference config and the forced tool', async () => {
    fake.enqueue({ toolInput: { headline: 'x' } });

    await model.generateStructured(request);

    expect(fake.callCount()).toBe(1);
    const [call] = fake.requests;
    expect(call?.modelId).toBe(MODEL_ID);
    expect(call?.body.system).toEqual([{ text: 'You are a business coach.' }]);
    expect(call?.body.messages).toEqual([
      { role: 'user', content: [{ text: 'Revenue fell 12% this month. What should I look at?' }] },
    ]);
    expect(call?.body.inferenceConfig).toEqual({ temperature: 0.3, maxTokens: 1024 });
    expect(call?.body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'record_insights',
            description: 'Record the insights for the dashboard.',
            inputSchema: {
              json: { type: 'object', properties: { headline: { type: 'string' } }, required: ['headline'] },
            },
          },
        },
      ],
      toolChoice: { tool: { name: 'record_insights' } },
    });
  });

  it('maps the usage Bedrock reports, cache tokens included', async () => {
    fake.enqueue({
      toolInput: { headline: 'x' },
      usage: { inputTokens: 1200, outputTokens: 85, cacheReadInputTokens: 1000, cacheWriteInputTokens: 30 },
    });

    const response = await model.generateStructured(request);

    expect(response.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 85,
      cacheReadInputTokens: 1000,
      cacheWriteInputTokens: 30,
    });
  });

  it('reports non-zero token counts when the script gives no usage', async () => {
    fake.enqueue({ toolInput: { headline: 'x' } });

    const response = await model.generateStructured(request);

    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
  });

  it('returns the text and no tool input when the model answers in plain text', async () => {
    fake.enqueue({ text: 'Sure! Here are your insights: ...' });

    const response = await model.generateStructured(request);

    expect(response.text).toBe('Sure! Here are your insights: ...');
    expect(response.toolInput).toBeUndefined();
    expect(response.stopReason).toBe('end_turn');
  });

  it('returns a max_tokens stop reason as it came', async () => {
    fake.enqueue({ text: '{"headline": "Marg', stopReason: 'max_tokens' });

    const response = await model.generateStructured(request);

    expect(response.stopReason).toBe('max_tokens');
    expect(response.text).toBe('{"headline": "Marg');
  });

  it('measures the latency of the call', async () => {
    fake.enqueue({ toolInput: { headline: 'x' }, delayMs: 60 });

    const response = await model.generateStructured(request);

    expect(response.latencyMs).toBeGreaterThanOrEqual(55);
  });

  it("has every one of many concurrent calls in flight at once, past the SDK's default pool of 50 sockets", async () => {
    const concurrent = 120;
    fake.setDefault(() => ({ toolInput: { headline: 'at once' }, delayMs: 400 }));
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, fake.openCalls())), 10);

    const responses = await Promise.all(Array.from({ length: concurrent }, () => model.generateStructured(request)));
    clearInterval(watch);

    expect(responses.every((response) => response.toolInput !== undefined)).toBe(true);
    expect(peak).toBe(concurrent);
  });

  it('succeeds after the SDK retries a throttled call', async () => {
    fake.enqueue({ status: 429 }, { toolInput: { headline: 'after retry' } });

    const response = await model.generateStructured(request);

    expect(response.toolInput).toEqual({ headline: 'after retry' });
    expect(fake.callCount()).toBe(2);
  });

  it('throws ModelUnavailableError after maxAttempts throttled calls', async () => {
    fake.setDefault(() => ({ status: 429 }));

    const error = await expectRejection(model.generateStructured(request));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).cause).toMatchObject({ name: 'ThrottlingException' });
    expect(fake.callCount()).toBe(MAX_ATTEMPTS);
  });

  it.each([500, 503])('succeeds after the SDK retries a %i', async (status) => {
    fake.enqueue({ status }, { toolInput: { headline: 'after retry' } });

    const response = await model.generateStructured(request);

    expect(response.toolInput).toEqual({ headline: 'after retry' });
    expect(fake.callCount()).toBe(2);
  });

  it('throws ModelUnavailableError when every attempt fails with a 5xx', async () => {
    fake.setDefault(() => ({ status: 502, errorType: 'BadGateway' }));

    const error = await expectRejection(model.generateStructured(request));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(fake.callCount()).toBe(MAX_ATTEMPTS);
  });

  it('throws ModelRequestError on a ValidationException without retrying', async () => {
    fake.enqueue({ status: 400, errorType: 'ValidationException', message: 'maxTokens is too large' });

    const error = await expectRejection(model.generateStructured(request));

    expect(error).toBeInstanceOf(ModelRequestError);
    expect((error as ModelRequestError).cause).toMatchObject({ name: 'ValidationException' });
    expect(fake.callCount()).toBe(1);
  });

  it.each([
    [403, 'AccessDeniedException'],
    [404, 'ResourceNotFoundException'],
  ])('throws ModelRequestError on a %i %s without retrying', async (status, errorType) => {
    fake.enqueue({ status, errorType });

    const error = await expectRejection(model.generateStructured(request));

    expect(error).toBeInstanceOf(ModelRequestError);
    expect(fake.callCount()).toBe(1);
  });
});

describe('BedrockLanguageModel streaming from the fake Bedrock', () => {
  const turn = { reply: 'Start with your three largest customers: two of them ordered less.', phase: 'explore' };

  it('passes the tool input JSON to onDelta in fragments as they arrive', async () => {
    fake.enqueue({ toolInput: turn });
    const deltas: string[] = [];

    const response = await model.streamStructured(request, (text) => deltas.push(text));

    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.join('')).toBe(JSON.stringify(turn));
    expect(response.toolInput).toEqual(turn);
  });

  it('resolves to the same tool input, usage and stop reason as the unstreamed call', async () => {
    const usage = { inputTokens: 1200, outputTokens: 85, cacheReadInputTokens: 1000, cacheWriteInputTokens: 30 };
    fake.enqueue({ toolInput: turn, usage }, { toolInput: turn, usage });

    const streamed = await model.streamStructured(request, () => undefined);
    const unstreamed = await model.generateStructured(request);

    expect(streamed).toEqual({ ...unstreamed, latencyMs: expect.any(Number) });
    expect(streamed.usage).toEqual(usage);
    expect(streamed.stopReason).toBe('tool_use');
    expect(fake.requests.map((call) => call.stream)).toEqual([true, false]);
  });

  it('sends the same request body as the unstreamed call, cache point included', async () => {
    fake.enqueue({ toolInput: turn }, { toolInput: turn });

    await model.streamStructured({ ...request, cacheSystemPrompt: true }, () => undefined);
    await model.generateStructured({ ...request, cacheSystemPrompt: true });

    const [streamed, unstreamed] = fake.requests;
    expect(streamed?.modelId).toBe(MODEL_ID);
    expect(streamed?.body).toEqual(unstreamed?.body);
  });

  it('returns text written before the tool call without passing it to onDelta', async () => {
    fake.enqueue({ text: 'Let me record that.', toolInput: turn });
    const deltas: string[] = [];

    const response = await model.streamStructured(request, (text) => deltas.push(text));

    expect(response.text).toBe('Let me record that.');
    expect(deltas.join('')).toBe(JSON.stringify(turn));
  });

  it('returns plain text and no tool input when the model does not call the tool', async () => {
    fake.enqueue({ text: 'Sure! Here are your insights: ...' });
    const deltas: string[] = [];

    const response = await model.streamStructured(request, (text) => deltas.push(text));

    expect(response.text).toBe('Sure! Here are your insights: ...');
    expect(response.toolInput).toBeUndefined();
    expect(response.stopReason).toBe('end_turn');
    expect(deltas).toEqual([]);
  });

  it('measures the latency until the stream ends', async () => {
    fake.enqueue({ toolInput: turn, delayMs: 60 });

    const response = await model.streamStructured(request, () => undefined);

    expect(response.latencyMs).toBeGreaterThanOrEqual(55);
  });

  it('succeeds after the SDK retries a throttled stream request', async () => {
    fake.enqueue({ status: 429 }, { toolInput: turn });

    const response = await model.streamStructured(request, () => undefined);

    expect(response.toolInput).toEqual(turn);
    expect(fake.callCount()).toBe(2);
  });

  it('throws ModelUnavailableError after maxAttempts throttled stream requests', async () => {
    fake.setDefault(() => ({ status: 429 }));

    const error = await expectRejection(model.streamStructured(request, () => undefined));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).cause).toMatchObject({ name: 'ThrottlingException' });
    expect(fake.callCount()).toBe(MAX_ATTEMPTS);
  });

  it('throws ModelRequestError on a 400 stream request without retrying', async () => {
    fake.enqueue({ status: 400, errorType: 'ValidationException', message: 'maxTokens is too large' });

    const error = await expectRejection(model.streamStructured(request, () => undefined));

    expect(error).toBeInstanceOf(ModelRequestError);
    expect((error as ModelRequestError).cause).toMatchObject({ name: 'ValidationException' });
    expect(fake.callCount()).toBe(1);
  });

  it.each([
    ['throttlingException', 'ThrottlingException'],
    ['modelStreamErrorException', 'ModelStreamErrorException'],
    ['serviceUnavailableException', 'ServiceUnavailableException'],
  ])('throws ModelUnavailableError when a %s cuts the stream off, after the first delta', async (event, name) => {
    fake.enqueue({ toolInput: turn, streamException: event });
    const deltas: string[] = [];

    const error = await expectRejection(model.streamStructured(request, (text) => deltas.push(text)));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).cause).toMatchObject({ name });
    expect(deltas).toHaveLength(1);
    expect(fake.callCount()).toBe(1);
  });

  it('throws ModelRequestError when a validationException cuts the stream off', async () => {
    fake.enqueue({ toolInput: turn, streamException: 'validationException' });

    const error = await expectRejection(model.streamStructured(request, () => undefined));

    expect(error).toBeInstanceOf(ModelRequestError);
    expect((error as ModelRequestError).cause).toMatchObject({ name: 'ValidationException' });
  });

  it('lets an error thrown by onDelta through unchanged', async () => {
    fake.enqueue({ toolInput: turn });
    const clientGone = new Error('the browser went away');

    const error = await expectRejection(
      model.streamStructured(request, () => {
        throw clientGone;
      }),
    );

    expect(error).toBe(clientGone);
  });
});

describe('BedrockLanguageModel with a deadline (the signal) and a request timeout', () => {
  const turn = { reply: 'Start with your three largest customers.', phase: 'explore' };
  /** A model whose client gives each attempt `requestTimeoutMs`, with `maxAttempts` and 100 ms between them. */
  const modelWith = (requestTimeoutMs: number, maxAttempts = 1) =>
    new BedrockLanguageModel(
      createBedrockClient({
        region: 'us-east-1',
        endpoint: fake.endpoint,
        maxAttempts,
        retryDelayMs: 100,
        requestTimeoutMs,
      }),
    );
  /** Waits until the fake has seen the client hang up (or a second has passed). */
  const hungUp = async (): Promise<number> => {
    for (let i = 0; i < 100 && fake.openCalls() > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    return fake.openCalls();
  };

  it('cuts a hung call when its signal aborts, with ModelTimeoutError, and hangs up', async () => {
    fake.enqueue({ toolInput: { headline: 'never' }, hang: true });
    const started = Date.now();

    const error = await expectRejection(model.generateStructured({ ...request, signal: AbortSignal.timeout(200) }));

    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error).toMatchObject({ statusCode: 504, code: 'model_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hungUp()).toBe(0);
  });

  it('cuts a stream that hangs after its first delta when its signal aborts', async () => {
    fake.enqueue({ toolInput: turn, hang: true });
    const deltas: string[] = [];

    const error = await expectRejection(
      model.streamStructured({ ...request, signal: AbortSignal.timeout(300) }, (text) => deltas.push(text)),
    );

    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(deltas).toHaveLength(1);
    expect(await hungUp()).toBe(0);
  });

  it('fails with ModelTimeoutError when the answer would come after the request timeout', async () => {
    fake.enqueue({ toolInput: { headline: 'too late' }, delayMs: 1_500 });
    const started = Date.now();

    const error = await expectRejection(modelWith(300).generateStructured(request));

    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as ModelTimeoutError).cause).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('fails with ModelTimeoutError when a stream stays silent past the request timeout', async () => {
    fake.enqueue({ toolInput: turn, hang: true });

    const error = await expectRejection(modelWith(300).streamStructured(request, () => undefined));

    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(await hungUp()).toBe(0);
  });

  it('lets the SDK retry an attempt past the request timeout, within its attempts', async () => {
    fake.enqueue({ toolInput: { headline: 'late' }, hang: true }, { toolInput: { headline: 'second try' } });

    const response = await modelWith(300, 2).generateStructured(request);

    expect(response.toolInput).toEqual({ headline: 'second try' });
    expect(fake.callCount()).toBe(2);
  });

  it("stops the SDK's retries of a throttled call at the signal: no attempt starts after it", async () => {
    fake.setDefault(() => ({ status: 429 }));
    const started = Date.now();

    const error = await expectRejection(
      modelWith(120_000, 10).generateStructured({ ...request, signal: AbortSignal.timeout(250) }),
    );
    const attempts = fake.callCount();
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(fake.callCount()).toBe(attempts);
  });
});

describe('BedrockLanguageModel without a reachable Bedrock', () => {
  it('throws ModelUnavailableError when the connection is refused', async () => {
    const fake = await startFakeBedrock();
    await fake.close();
    const model = new BedrockLanguageModel(
      createBedrockClient({
        region: 'us-east-1',
        endpoint: fake.endpoint,
        maxAttempts: 2,
        retryDelayMs: 5,
        requestTimeoutMs: 120_000,
      }),
    );

    const error = await expectRejection(model.generateStructured(request));

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).cause).toMatchObject({
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe("BedrockLanguageModel and the fake's model families", () => {
  /** What zod writes for a shared (registered) object and a union of literals: `$ref`, `$defs`, `anyOf`. */
  const planSchema = z.object({
    tone: z.union([z.literal('calm'), z.literal('urgent')]),
    goal: z.object({ title: z.string(), due: z.nullable(z.string()) }).register(z.globalRegistry, { id: 'PlanGoal' }),
    steps: z.array(z.string()).check(z.maxLength(5)),
  });
  const zodSchemas = [
    ['a schema with a shared definition and unions', z.toJSONSchema(planSchema, { io: 'input' })],
    ['the insights output schema', z.toJSONSchema(insightsOutputSchema, { io: 'input' })],
  ] as const;
  const modelIds = Object.keys(DEFAULT_MODEL_CATALOGUE);

  it.each(zodSchemas)('sends %s to every catalogued model in a form its family accepts', async (_name, schema) => {
    fake.setDefault(() => ({ toolInput: { headline: 'ok' } }));
    const tool = {
      name: 'record_plan',
      description: 'Record the plan.',
      inputSchema: schema as Record<string, unknown>,
    };

    const answers = await Promise.all(
      modelIds.map((modelId) =>
        model.generateStructured({ ...request, tool, settings: { ...request.settings, modelId } }),
      ),
    );

    expect(answers.map((answer) => answer.toolInput)).toEqual(modelIds.map(() => ({ headline: 'ok' })));
    expect(fake.requests.filter((received) => received.rejected)).toEqual([]);
    expect(new Set(fake.requests.map((received) => received.modelId))).toEqual(new Set(modelIds));
  });

  it.each(zodSchemas)('without normalization, every non-Anthropic family refuses %s', async (_name, schema) => {
    const client = createBedrockClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      maxAttempts: 1,
      requestTimeoutMs: 120_000,
    });
    const { $schema: _ignored, ...json } = schema as Record<string, unknown>;
    const nonAnthropic = modelIds.filter((modelId) => DEFAULT_MODEL_CATALOGUE[modelId]?.family !== 'anthropic');

    const outcomes = await Promise.all(
      nonAnthropic.map((modelId) =>
        client
          .send(
            new ConverseCommand({
              modelId,
              messages: [{ role: 'user', content: [{ text: 'Plan it.' }] }],
              toolConfig: { tools: [{ toolSpec: { name: 'record_plan', inputSchema: { json: json as never } } }] },
            }),
          )
          .then(
            () => 'answered',
            (error: Error) => error.name,
          ),
      ),
    );
    client.destroy();

    expect(nonAnthropic.length).toBeGreaterThanOrEqual(8);
    expect(outcomes).toEqual(nonAnthropic.map(() => 'ValidationException'));
  });

  it('does not force the tool on a model without forced tool choice, which answers', async () => {
    fake.setDefault(() => ({ toolInput: { headline: 'unforced' } }));
    const llama = 'us.meta.llama3-3-70b-instruct-v1:0';

    const answer = await model.generateStructured({ ...request, settings: { ...request.settings, modelId: llama } });

    expect(answer.toolInput).toEqual({ headline: 'unforced' });
    expect(fake.requests[0]?.body.toolConfig?.toolChoice).toBeUndefined();
  });
});
