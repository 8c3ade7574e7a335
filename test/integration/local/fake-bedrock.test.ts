import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockClient } from '../../../functions/shared/llm/bedrock-language-model';
import { DEFAULT_MODEL_CATALOGUE } from '../../../functions/shared/llm/models';
import { startFakeBedrock, type FakeBedrock } from '../../../local/fake-bedrock';

const MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_ID = MODEL_ID;
const converse = {
  modelId: MODEL_ID,
  messages: [{ role: 'user' as const, content: [{ text: 'Hello' }] }],
  inferenceConfig: { maxTokens: 512 },
};

let fake: FakeBedrock;
const client = () =>
  createBedrockClient({ region: 'us-east-1', endpoint: fake.endpoint, maxAttempts: 1, requestTimeoutMs: 120_000 });

beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('the fake Bedrock behaves like the real one when told to', () => {
  it('answers a non-streamed call after the first-token time plus the output tokens at its pace', async () => {
    fake.setPace({ firstTokenMs: 150, tokensPerSecond: 100 });
    fake.enqueue({ text: 'A paced answer.', usage: { inputTokens: 10, outputTokens: 20 } });

    const started = performance.now();
    await client().send(new ConverseCommand(converse));
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(150 + 200 - 20);
  });

  it("records when each call arrived, on the caller's clock, before it answers", async () => {
    fake.setPace({ firstTokenMs: 150, tokensPerSecond: 100 });
    fake.enqueue({ text: 'A paced answer.', usage: { inputTokens: 10, outputTokens: 5 } });

    const sent = performance.now();
    await client().send(new ConverseCommand(converse));
    const answered = performance.now();

    const [request] = fake.requests;
    expect(request?.receivedAt).toBeGreaterThanOrEqual(sent);
    expect(answered - (request?.receivedAt ?? 0)).toBeGreaterThanOrEqual(150 + 50 - 20);
  });

  it('streams its deltas over time: the first after the first-token time, the rest at the output rate', async () => {
    fake.enqueue({ text: 'x'.repeat(200), pace: { firstTokenMs: 120, tokensPerSecond: 200 } });
    const started = performance.now();
    const arrivals: number[] = [];

    const { stream } = await client().send(new ConverseStreamCommand(converse));
    for await (const event of stream ?? []) if (event.contentBlockDelta) arrivals.push(performance.now() - started);

    expect(arrivals.length).toBeGreaterThan(2);
    expect(arrivals[0]).toBeGreaterThanOrEqual(110);
    // 200 characters ≈ 50 tokens at 200 tokens/s: the last delta comes about 250 ms after the first.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(150);
  });

  it('hangs until the client gives up, and then holds nothing open', async () => {
    fake.enqueue({ text: 'never sent', hang: true });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);

    const started = performance.now();
    const outcome = await client()
      .send(new ConverseCommand(converse), { abortSignal: abort.signal })
      .then(
        () => 'answered',
        (error: Error) => error.name,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(outcome).toBe('AbortError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(fake.openCalls()).toBe(0);
  });

  it('hangs a stream after its first delta', async () => {
    fake.enqueue({ text: 'y'.repeat(100), hang: true });
    const abort = new AbortController();
    const deltas: string[] = [];

    const { stream } = await client().send(new ConverseStreamCommand(converse), { abortSignal: abort.signal });
    const reading = (async () => {
      for await (const event of stream ?? []) {
        if (event.contentBlockDelta?.delta?.text) deltas.push(event.contentBlockDelta.delta.text);
        setTimeout(() => abort.abort(), 100);
      }
    })().then(
      () => 'completed',
      () => 'cut off',
    );

    expect(await reading).toBe('cut off');
    expect(deltas).toHaveLength(1);
  });
});

describe("the fake Bedrock imitates each model's family", () => {
  const LLAMA = 'us.meta.llama3-3-70b-instruct-v1:0';
  const MISTRAL = 'mistral.mistral-large-2407-v1:0';
  const NOVA = 'us.amazon.nova-pro-v1:0';
  const GPT_OSS = 'openai.gpt-oss-120b-1:0';
  const plain = { type: 'object', properties: { headline: { type: 'string' } } };
  /** A Converse call of `modelId` offering one tool with `json` as its schema, optionally forced and strict. */
  const withTool = (
    modelId: string,
    json: Record<string, unknown>,
    options: { force?: boolean; strict?: boolean } = {},
  ) =>
    new ConverseCommand({
      ...converse,
      modelId,
      system: [{ text: 'You are a coach.' }],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'record',
              inputSchema: { json: json as never },
              ...(options.strict ? { strict: true } : {}),
            },
          },
        ],
        ...(options.force === false ? {} : { toolChoice: { tool: { name: 'record' } } }),
      },
    });
  /** The error name and message a call ends with, or `answered`. */
  const outcomeOf = (command: ConverseCommand) =>
    client()
      .send(command)
      .then(
        () => 'answered',
        (error: Error & { $metadata?: { httpStatusCode?: number } }) =>
          `${error.$metadata?.httpStatusCode} ${error.name}: ${error.message}`,
      );

  beforeEach(() => fake.setDefault(() => ({ toolInput: { headline: 'ok' } })));

  it('refuses a forced tool on a model without forced tool choice, and answers it offered the tool unforced', async () => {
    expect(await outcomeOf(withTool(LLAMA, plain))).toBe(
      "400 ValidationException: This model doesn't support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again.",
    );
    expect(await outcomeOf(withTool(MISTRAL, plain))).toMatch(/^400 ValidationException/);
    expect(await outcomeOf(withTool(LLAMA, plain, { force: false }))).toBe('answered');
    expect(await outcomeOf(withTool(NOVA, plain))).toBe('answered');
  });

  it.each([
    ['$ref', { type: 'object', properties: { goal: { $ref: '#/$defs/Goal' } }, $defs: { Goal: { type: 'object' } } }],
    ['oneOf', { type: 'object', properties: { tone: { oneOf: [{ const: 'a' }, { const: 'b' }] } } }],
    ['anyOf', { type: 'object', properties: { value: { anyOf: [{ type: 'string' }, { type: 'number' }] } } }],
  ])('refuses a tool schema using %s on every non-Anthropic family, and Claude accepts it', async (keyword, json) => {
    for (const modelId of [LLAMA, MISTRAL, NOVA, GPT_OSS]) {
      expect(await outcomeOf(withTool(modelId, json, { force: modelId === NOVA || modelId === GPT_OSS }))).toMatch(
        new RegExp(`^400 ValidationException: .*unsupported JSON Schema keyword at properties\\.\\w+\\.\\${keyword}$`),
      );
    }
    expect(await outcomeOf(withTool(SONNET_ID, json))).toBe('answered');
  });

  it('refuses a non-Anthropic tool schema without a top-level object type, but not a property named like a keyword', async () => {
    expect(await outcomeOf(withTool(NOVA, { properties: plain.properties }))).toMatch(/type must be "object"$/);
    expect(await outcomeOf(withTool(NOVA, { type: 'object', properties: { anyOf: { type: 'string' } } }))).toBe(
      'answered',
    );
  });

  it('refuses strict: true with maxItems on Claude, and accepts either alone', async () => {
    const bounded = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' }, maxItems: 3 } } };

    expect(await outcomeOf(withTool(SONNET_ID, bounded, { strict: true }))).toMatch(
      /^400 ValidationException: .*properties\.tags\.maxItems is not supported with strict: true$/,
    );
    expect(await outcomeOf(withTool(SONNET_ID, bounded))).toBe('answered');
    expect(await outcomeOf(withTool(SONNET_ID, plain, { strict: true }))).toBe('answered');
  });

  it('records a refused call with its reason and keeps the scripted answers for the next calls', async () => {
    fake.enqueue({ toolInput: { headline: 'scripted' } });

    await outcomeOf(withTool(LLAMA, plain));
    const answer = await client().send(withTool(NOVA, plain));

    expect(fake.requests.map((request) => [request.modelId, request.rejected !== undefined])).toEqual([
      [LLAMA, true],
      [NOVA, false],
    ]);
    expect(answer.output?.message?.content?.[0]?.toolUse?.input).toEqual({ headline: 'scripted' });
  });

  it('refuses a system block for a model its catalogue says has no system prompts, and accepts anything of an unknown model', async () => {
    const nova = DEFAULT_MODEL_CATALOGUE['amazon.nova-pro-v1:0']!;
    const strict = await startFakeBedrock({
      catalogue: { 'amazon.nova-pro-v1:0': { ...nova, capabilities: { ...nova.capabilities, systemPrompt: false } } },
    });
    strict.setDefault(() => ({ toolInput: {} }));
    const against = createBedrockClient({
      region: 'us-east-1',
      endpoint: strict.endpoint,
      maxAttempts: 1,
      requestTimeoutMs: 120_000,
    });
    try {
      const refused = await against.send(withTool(NOVA, plain)).catch((error: Error) => error.message);
      const unknown = await against.send(withTool(LLAMA, { anyOf: [] })).then(() => 'answered');

      expect(refused).toBe("This model doesn't support system messages. Remove the system field and try again.");
      expect(unknown).toBe('answered');
    } finally {
      against.destroy();
      await strict.close();
    }
  });
});
