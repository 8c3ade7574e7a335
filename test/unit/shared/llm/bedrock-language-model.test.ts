import type { BedrockRuntimeClient, ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { BedrockLanguageModel } from '../../../../functions/shared/llm/bedrock-language-model';
import type { StructuredRequest } from '../../../../functions/shared/llm/port';

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
