import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';

let api: ModelTestApi;
beforeAll(async () => {
  api = await startTestApiWithModel();
});
afterAll(async () => api.close());
afterEach(() => {
  api.bedrock.reset();
  api.stack.demoApi?.clearFaults();
});

const TENANT = 'brightside-dental';
const ACTIVE_GOALS = ['301', '302', '304', '305'];

const alignment = (score: number, reason: string, goals = ACTIVE_GOALS) => ({
  goals: goals.map((goalId) => ({ goalId, title: `Goal ${goalId}`, score, reason, gap: 'Name the vision it serves' })),
  overallScore: score,
  recommendations: ['Reword the denial goal', 'Link goals to values', 'Review alignment quarterly'],
});

const run = async (tenantId: string, userId = 'owner') =>
  api.call('POST', '/analyses/strategy-alignment', { token: await api.token(tenantId, userId), body: '{}' });

describe('POST /analyses/{type} against the fake Bedrock', () => {
  it('stores and returns a valid answer, with the template version and the model in its provenance', async () => {
    api.bedrock.enqueue({ toolInput: alignment(60, 'Serves the reach theme of the vision') });

    const response = await run(TENANT);
    const [request] = api.bedrock.requests;

    expect(response.status).toBe(200);
    expect(response.json.provenance).toMatchObject({
      promptTopic: 'analysis_strategy_alignment',
      templateVersion: 'v1.0',
      outcome: 'ok',
    });
    expect(request?.body.toolConfig?.toolChoice?.tool?.name).toBe('record_strategy_alignment');
    expect(JSON.stringify(request?.body.messages)).toContain('Add 400 new patients');
  });

  it('repairs an answer whose scores contradict their reasons, naming the inconsistency to the model', async () => {
    api.bedrock.enqueue(
      { toolInput: alignment(92, 'Not aligned with the vision') },
      { toolInput: alignment(40, 'Partly serves the vision') },
    );

    const response = await run(TENANT);

    expect(response.status).toBe(200);
    expect(response.json.provenance.outcome).toBe('repaired');
    expect(JSON.stringify(api.bedrock.requests[1]?.body.messages)).toContain('score_contradicts_reason');
  });

  it('answers 502 model_output_invalid and stores nothing when the answer stays inconsistent', async () => {
    api.bedrock.enqueue(
      { toolInput: alignment(50, 'Serves it', ['301', 'G-999']) },
      { toolInput: alignment(50, 'Serves it', ['301', 'G-999']) },
    );
    const token = await api.token('northwind-saas', 'invalid-check');
    const before = await api.call('GET', '/analyses?type=strategy-alignment&page_size=100', { token });

    const response = await api.call('POST', '/analyses/strategy-alignment', { token, body: '{}' });
    const after = await api.call('GET', '/analyses?type=strategy-alignment&page_size=100', { token });

    expect(response.status).toBe(502);
    expect(response.json.error.code).toBe('model_output_invalid');
    expect(JSON.stringify(response.json.error.details.problems)).toContain('unknown_goal');
    expect(after.json.items).toHaveLength(before.json.items.length);
  });

  it('meters each model call as request type analysis', async () => {
    const token = await api.token('acme-plumbing', 'metered');
    const usage = async () => (await api.call('GET', '/usage', { token })).json.byRequestType.analysis?.calls ?? 0;
    const before = await usage();
    api.bedrock.setDefault(() => ({
      toolInput: alignment(50, 'Serves the vision', ['G-101', 'G-102', 'G-103', 'G-104', 'G-105', 'G-106']),
    }));

    const response = await api.call('POST', '/analyses/strategy-alignment', { token, body: '{}' });

    expect(response.status).toBe(200);
    expect(await usage()).toBe(before + 1);
  });

  it('runs with what could be read when one of its sources fails, and answers 502 when none can be', async () => {
    api.stack.demoApi?.setFault('/business/foundation', { status: 503 });
    api.bedrock.setDefault(() => ({ toolInput: alignment(30, 'Cannot be judged without the vision') }));

    const partial = await run(TENANT, 'gap-check');
    api.stack.demoApi?.setFault('/goals', { status: 503 });
    const none = await run(TENANT, 'gap-check');

    expect(partial.status).toBe(200);
    expect(JSON.stringify(api.bedrock.requests[0]?.body.messages)).toContain(
      'not available: this source could not be read',
    );
    expect(none.status).toBe(502);
    expect(none.json.error.code).toBe('upstream_unavailable');
  });
});
