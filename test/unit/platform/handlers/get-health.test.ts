import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const ADAPTER_ENV = ['DYNAMODB_ENDPOINT', 'PROMPTS_BUCKET', 'ACCOUNT_API_URL', 'TRACTION_API_URL', 'LLM_PROVIDER'];
const saved = { ...process.env };

afterEach(() => {
  for (const name of ADAPTER_ENV) delete process.env[name];
  Object.assign(process.env, saved);
});

/** GET /health of a function cold-started with the given environment (config is read once, at load). */
const healthWith = async (env: Record<string, string>): Promise<unknown> => {
  for (const name of ADAPTER_ENV) delete process.env[name];
  Object.assign(process.env, env);
  let handler: Handler | undefined;
  await jest.isolateModulesAsync(async () => {
    ({ handler } = await import('../../../../functions/platform/handlers/get-health'));
  });
  const event = {
    headers: {},
    requestContext: { requestId: 'req-1' },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const response = await handler?.(event, { functionName: 'health' } as Context);
  expect(response?.statusCode).toBe(200);
  return JSON.parse(response?.body ?? '');
};

describe('GET /health', () => {
  it('reports the AWS adapters of a deployment: DynamoDB, the prompts bucket, the business APIs, Bedrock', async () => {
    const health = await healthWith({
      PROMPTS_BUCKET: 'coaching-prompts',
      ACCOUNT_API_URL: 'https://account.example.com',
      TRACTION_API_URL: 'https://traction.example.com',
      LLM_PROVIDER: 'bedrock',
    });

    expect(health).toMatchObject({
      status: 'ok',
      adapters: { database: 'dynamodb', prompts: 's3', businessApi: 'http', llm: 'bedrock', coach: 'model' },
    });
    expect(health).not.toHaveProperty('notice');
  });

  it('reports what is missing when run with nothing configured: the prompts folder, no business API, the rules', async () => {
    const health = await healthWith({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      ACCOUNT_API_URL: 'https://a.example.com',
    });

    expect(health).toMatchObject({
      adapters: {
        database: 'local-dynamodb',
        prompts: 'folder',
        businessApi: 'unconfigured',
        llm: 'rules',
        coach: 'offline',
      },
      notice: expect.stringContaining('offline coach'),
    });
  });
});
