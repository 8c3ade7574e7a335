import type {
  BedrockRuntimeClient,
  ConverseCommandInput,
  ConverseResponse,
  ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { BedrockLanguageModel } from '../../../../functions/shared/llm/bedrock-language-model';
import { DEFAULT_MODEL_CATALOGUE, type ModelCatalogue } from '../../../../functions/shared/llm/models';
import { normalizeToolSchema } from '../../../../functions/shared/llm/tool-schema';
import type { StructuredRequest } from '../../../../functions/shared/llm/port';
import { ModelUnavailableError } from '../../../../functions/shared/errors';
import { PowertoolsTracing } from '../../../../functions/shared/tracing';
import { Tracer } from '../../../support/fake-tracer';

const MODEL_ID = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

const request: StructuredRequest = {
  system: 'You are a business coach.',
  messages: [{ role: 'user', text: 'Revenue fell 12% this month. What should I look at?' }],
  tool: { name: 'record_insights', description: 'Record the insights.', inputSchema: { type: 'object' } },
  settings: { modelId: MODEL_ID, temperature: 0.3, maxTokens: 1024 },
};

/** A client whose every send answers `output`, as Bedrock would have answered the command. */
const answering = (output: unknown): BedrockRuntimeClient =>
  ({ send: async () => output }) as unknown as BedrockRuntimeClient;

/** A ConverseStream answer made of the given events. */
const streaming = (events: ConverseStreamOutput[]): BedrockRuntimeClient =>
  answering({
    stream: (async function* () {
      yield* events;
    })(),
  });

const toolStart: ConverseStreamOutput = {
  contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'record_insights' } } },
};
const toolDelta = (input: string): ConverseStreamOutput => ({
  contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input } } },
});

describe('BedrockLanguageModel.streamStructured', () => {
  it('hands a tool input cut off by max_tokens on as its raw text, for output repair to close', async () => {
    const model = new BedrockLanguageModel(
      streaming([
        toolStart,
        toolDelta('{"insights": [{"title": "Cash'),
        toolDelta(' flow is tight"}, {"ti'),
        { messageStop: { stopReason: 'max_tokens' } },
      ]),
    );

    const response = await model.streamStructured(request, () => undefined);

    expect(response.toolInput).toBe('{"insights": [{"title": "Cash flow is tight"}, {"ti');
    expect(response.stopReason).toBe('max_tokens');
  });

  it('reads a tool call that streamed no input as an empty object', async () => {
    const model = new BedrockLanguageModel(streaming([toolStart, { messageStop: { stopReason: 'tool_use' } }]));

    const response = await model.streamStructured(request, () => undefined);

    expect(response.toolInput).toEqual({});
  });

  it('reports zero usage and an unknown stop reason when the stream ends without them', async () => {
    const model = new BedrockLanguageModel(streaming([toolStart, toolDelta('{"headline": "Check margins"}')]));

    const response = await model.streamStructured(request, () => undefined);

    expect(response).toMatchObject({
      toolInput: { headline: 'Check margins' },
      stopReason: 'unknown',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
      modelId: MODEL_ID,
    });
  });
});

describe('BedrockLanguageModel.generateStructured', () => {
  it('answers an empty text and no tool input when Bedrock returns no message', async () => {
    const output: Partial<ConverseResponse> = { stopReason: 'content_filtered', usage: undefined };
    const model = new BedrockLanguageModel(answering(output));

    const response = await model.generateStructured(request);

    expect(response).toMatchObject({ text: '', stopReason: 'content_filtered' });
    expect(response).not.toHaveProperty('toolInput');
  });
});

describe('BedrockLanguageModel in a trace', () => {
  /** A tracer with an invocation open, and the model tracing through it. */
  const traced = async (client: BedrockRuntimeClient) => {
    const tracer = new Tracer({ serviceName: 'coaching-service' });
    const tracing = new PowertoolsTracing(tracer);
    await tracing.startInvocation('job', { tenantId: 'acme-plumbing' });
    return { model: new BedrockLanguageModel(client, tracing), invocation: tracer.getSegment() };
  };
  const failing = (error: Error): BedrockRuntimeClient =>
    ({ send: async () => Promise.reject(error) }) as unknown as BedrockRuntimeClient;

  it('runs a Converse call in a span of the invocation, annotated with the model, stop reason and tokens', async () => {
    const { model, invocation } = await traced(
      answering({ stopReason: 'tool_use', usage: { inputTokens: 900, outputTokens: 120, totalTokens: 1020 } }),
    );

    await model.generateStructured(request);

    expect(invocation.find('Bedrock Converse')).toMatchObject({
      annotations: { modelId: MODEL_ID, stopReason: 'tool_use', inputTokens: 900, outputTokens: 120 },
      closed: true,
      faultFlag: false,
    });
  });

  it('closes the span with the error when Bedrock fails the call', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { model, invocation } = await traced(failing(throttled));

    await expect(model.generateStructured(request)).rejects.toBeInstanceOf(ModelUnavailableError);

    const span = invocation.find('Bedrock Converse');
    expect(span).toMatchObject({ annotations: { modelId: MODEL_ID }, closed: true, faultFlag: true });
    expect(span.errors[0]).toBeInstanceOf(ModelUnavailableError);
  });

  it('keeps a ConverseStream span open until the last event, and closes it when the stream fails midway', async () => {
    const { model, invocation } = await traced(
      streaming([toolStart, toolDelta('{"headline": "Check margins"}'), { messageStop: { stopReason: 'tool_use' } }]),
    );
    const openWhileStreaming: boolean[] = [];

    await model.streamStructured(request, () =>
      openWhileStreaming.push(!invocation.find('Bedrock ConverseStream').closed),
    );

    expect(openWhileStreaming).toEqual([true]);
    expect(invocation.find('Bedrock ConverseStream')).toMatchObject({
      closed: true,
      annotations: { stopReason: 'tool_use' },
    });

    const broken = await traced(
      answering({
        stream: (async function* () {
          yield toolStart;
          throw Object.assign(new Error('stream reset'), { name: 'ModelStreamErrorException' });
        })(),
      }),
    );
    await expect(broken.model.streamStructured(request, () => undefined)).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(broken.invocation.find('Bedrock ConverseStream')).toMatchObject({ closed: true, faultFlag: true });
  });
});

describe('BedrockLanguageModel request per model', () => {
  const LLAMA = 'us.meta.llama3-3-70b-instruct-v1:0';
  const NOVA = 'amazon.nova-pro-v1:0';
  /** A schema zod writes for a registered (shared) object: a `$ref` into `$defs`, and a union of literals. */
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      goal: { $ref: '#/$defs/Goal' },
      tone: { anyOf: [{ const: 'calm' }, { const: 'urgent' }] },
    },
    required: ['goal', 'tone'],
    $defs: { Goal: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] } },
  };
  const tool = { name: 'record_plan', description: 'Record the plan.', inputSchema: schema };

  /** A model whose client records the input of every command it is sent, and answers a tool call. */
  const recording = (catalogue?: ModelCatalogue) => {
    const sent: ConverseCommandInput[] = [];
    const client = {
      send: async (command: { input: ConverseCommandInput }) => {
        sent.push(command.input);
        return { output: { message: { role: 'assistant', content: [{ toolUse: { input: {} } }] } } };
      },
    } as unknown as BedrockRuntimeClient;
    return { model: new BedrockLanguageModel(client, undefined, catalogue), sent };
  };
  const ask = (modelId: string, overrides: Partial<StructuredRequest> = {}): StructuredRequest => ({
    ...request,
    tool,
    settings: { ...request.settings, modelId },
    ...overrides,
  });

  it("sends each family its normalized tool schema: inlined references and enums for Llama, Claude's as written", async () => {
    const { model, sent } = recording();

    await model.generateStructured(ask(LLAMA));
    await model.generateStructured(ask(MODEL_ID));

    const [llama, claude] = sent.map((input) => input.toolConfig?.tools?.[0]?.toolSpec?.inputSchema?.json);
    expect(llama).toEqual(normalizeToolSchema(schema, 'meta'));
    expect(JSON.stringify(llama)).not.toMatch(/\$ref|\$defs|anyOf|\$schema/);
    expect(llama).toMatchObject({ properties: { goal: { type: 'object' }, tone: { enum: ['calm', 'urgent'] } } });
    const { $schema: _ignored, ...asWritten } = schema;
    expect(claude).toEqual(asWritten);
  });

  it('forces the tool only on models with forced tool choice', async () => {
    const { model, sent } = recording();

    await model.generateStructured(ask(LLAMA));
    await model.generateStructured(ask(NOVA));

    expect(sent.map((input) => input.toolConfig?.toolChoice)).toEqual([undefined, { tool: { name: 'record_plan' } }]);
  });

  it('folds the system text into the first user message for a model without system prompts', async () => {
    const nova = DEFAULT_MODEL_CATALOGUE[NOVA]!;
    const { model, sent } = recording({
      ...DEFAULT_MODEL_CATALOGUE,
      [NOVA]: { ...nova, capabilities: { ...nova.capabilities, systemPrompt: false } },
    });
    const messages: StructuredRequest['messages'] = [
      { role: 'user', text: 'First question' },
      { role: 'assistant', text: 'An answer' },
      { role: 'user', text: 'Second question' },
    ];

    await model.generateStructured(ask(NOVA, { messages, cacheSystemPrompt: true }));
    await model.generateStructured(ask(MODEL_ID, { messages }));

    expect(sent[0]?.system).toBeUndefined();
    expect(sent[0]?.messages?.map((message) => message.content?.[0]?.text)).toEqual([
      'You are a business coach.\n\nFirst question',
      'An answer',
      'Second question',
    ]);
    expect(sent[1]?.system).toEqual([{ text: 'You are a business coach.' }]);
    expect(sent[1]?.messages?.[0]?.content?.[0]?.text).toBe('First question');
  });

  it('sends a model of no known family the schema as written, the forced tool and the system prompt', async () => {
    const { model, sent } = recording();

    await model.generateStructured(ask('acme.private-model-v1:0'));

    const { $schema: _ignored, ...asWritten } = schema;
    expect(sent[0]).toMatchObject({
      system: [{ text: 'You are a business coach.' }],
      toolConfig: { tools: [{ toolSpec: { inputSchema: { json: asWritten } } }], toolChoice: { tool: {} } },
    });
  });
});
