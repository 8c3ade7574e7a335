import { insightsOutputSchema } from '../../../functions/insights/model';
import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules' });
});

afterAll(async () => {
  await api.close();
});

describe('the local runtime on embedded defaults', () => {
  it('reports health without a token', async () => {
    const response = await api.call('GET', '/health');

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      status: 'ok',
      adapters: { database: 'local-dynamodb', prompts: 's3', businessApi: 'http', llm: 'rules', coach: 'offline' },
    });
  });

  it('serves the OpenAPI 3.1 document with every route of the route table', async () => {
    const response = await api.call('GET', '/openapi.json');

    expect(response.json.openapi).toBe('3.1.0');
    expect(Object.keys(response.json.paths)).toEqual(
      expect.arrayContaining(['/health', '/insights', '/insights/summary', '/insights/{id}/dismiss']),
    );
    expect(response.json.paths['/insights'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['cursor', 'page_size', 'pageSize', 'category', 'priority', 'status']),
    );
  });

  it.each(['acme-plumbing', 'brightside-dental', 'northwind-saas'])(
    'generates 5-10 rule insights for demo tenant %s',
    async (tenantId) => {
      const token = await api.token(tenantId);

      const response = await api.call('GET', '/insights?status=all', { token });

      expect(response.status).toBe(200);
      expect(response.json.provenance.outcome).toBe('rules');
      expect(insightsOutputSchema.safeParse({ insights: response.json.items }).success).toBe(true);
      expect(response.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
    },
  );

  it('answers 404 no_business_data for a tenant the business API does not know', async () => {
    const token = await api.token('no-such-tenant');

    const response = await api.call('GET', '/insights', { token });

    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('no_business_data');
  });

  it('opens a conversation with the offline coach when no model is configured (rules provider)', async () => {
    const token = await api.token('acme-plumbing');

    const response = await api.call('POST', '/conversations', { token, body: JSON.stringify({ topic: 'vision' }) });

    expect(response.status).toBe(201);
    expect(response.json.message.provenance).toMatchObject({ provider: 'rules', promptTopic: 'vision' });
  });

  it('lists the categories and priorities with labels', async () => {
    const token = await api.token('acme-plumbing');

    const response = await api.call('GET', '/insights/categories', { token });

    expect(response.json.categories.map((c: { id: string }) => c.id)).toEqual([
      'strategy',
      'operations',
      'finance',
      'marketing',
      'leadership',
    ]);
    expect(response.json.priorities).toHaveLength(4);
  });
});
