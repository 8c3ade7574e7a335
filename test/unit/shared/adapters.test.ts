import type { errorResponse as ErrorResponse } from '../../../functions/shared/http/error-response';
import type { LanguageModel } from '../../../functions/shared/llm/port';

const saved = { ...process.env };

afterEach(() => {
  delete process.env.LLM_PROVIDER;
  Object.assign(process.env, saved);
});

/**
 * The language model of a function cold-started with LLM_PROVIDER (config is read once, at load), and the error
 * mapping of the same cold start.
 */
const coldStartWith = async (provider: string) => {
  process.env.LLM_PROVIDER = provider;
  let loaded: { model: LanguageModel; errorResponse: typeof ErrorResponse } | undefined;
  await jest.isolateModulesAsync(async () => {
    const [{ languageModel }, { errorResponse }] = await Promise.all([
      import('../../../functions/shared/adapters'),
      import('../../../functions/shared/http/error-response'),
    ]);
    loaded = { model: languageModel(), errorResponse };
  });
  return loaded as NonNullable<typeof loaded>;
};

describe('languageModel', () => {
  it('answers a model call with no model configured with 503 model_not_configured, saying what to set', async () => {
    const { model, errorResponse } = await coldStartWith('rules');

    const failure = await model
      .generateStructured({
        system: 'x',
        messages: [{ role: 'user', text: 'x' }],
        tool: { name: 't', description: 't', inputSchema: {} },
        settings: { modelId: 'm', temperature: 0, maxTokens: 256 },
      })
      .catch((error: unknown) => error);

    const response = errorResponse(failure, 'corr-1');
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body as string).error).toEqual({
      code: 'model_not_configured',
      message: expect.stringContaining('set LLM_PROVIDER=bedrock'),
    });
    expect(response.headers?.['retry-after']).toBeUndefined();
  });
});
