import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api.close());

const json = (body: unknown) => ({ body: JSON.stringify(body) });

describe('POST /analyses/{type} offline (the rules provider)', () => {
  it('answers strategy-alignment from the tenant data, stores it with provenance, and serves it again', async () => {
    const token = await api.token('brightside-dental');

    const run = await api.call('POST', '/analyses/strategy-alignment', { token, ...json({}) });
    const read = await api.call('GET', `/analyses/${run.json.id}`, { token });

    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({
      type: 'strategy-alignment',
      status: 'done',
      provenance: { promptTopic: 'analysis_strategy_alignment', modelId: 'rules', outcome: 'offline' },
    });
    expect(run.json.provenance.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.json.result.goals.map((goal: { goalId: string }) => goal.goalId)).toEqual(['301', '302', '304', '305']);
    expect(run.json.result.recommendations.length).toBeGreaterThanOrEqual(3);
    expect(read.json).toEqual(run.json);
  });

  it('hashes the same input the same, and a different tenant differently', async () => {
    const first = await api.call('POST', '/analyses/intent', {
      token: await api.token('acme-plumbing'),
      ...json({ message: 'Why did our revenue drop in October?' }),
    });
    const again = await api.call('POST', '/analyses/intent', {
      token: await api.token('acme-plumbing'),
      ...json({ message: 'Why did our revenue drop in October?' }),
    });

    expect(first.json.result).toMatchObject({ intent: 'root_cause', entities: ['why', 'drop'] });
    expect(again.json.id).not.toBe(first.json.id);
    expect(again.json.provenance.inputHash).toBe(first.json.provenance.inputHash);
  });

  it('answers 404 naming the known types for an unknown one', async () => {
    const response = await api.call('POST', '/analyses/horoscope', {
      token: await api.token('acme-plumbing'),
      ...json({}),
    });

    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('not_found');
    expect(response.json.error.message).toContain('goal-plan, intent, root-cause, strategy-alignment');
  });

  it.each([
    ['intent', {}, 'body.message'],
    ['intent', { message: 'hello', mood: 'sunny' }, 'body.mood'],
    ['strategy-alignment', { goals: [] }, 'body.goals'],
  ])('answers 400 for a bad %s body, naming the field', async (type, body, field) => {
    const response = await api.call('POST', `/analyses/${type}`, {
      token: await api.token('acme-plumbing'),
      ...json(body),
    });

    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_error');
    expect(response.json.error.details.problems.map((p: { field: string }) => p.field)).toContain(field);
  });

  it('lists the tenant analyses newest first, by type, a page at a time', async () => {
    const token = await api.token('northwind-saas', 'lister');
    for (const message of ['What is on my invoice?', 'Help me plan a goal']) {
      await api.call('POST', '/analyses/intent', { token, ...json({ message }) });
    }
    await api.call('POST', '/analyses/strategy-alignment', { token, ...json({}) });

    const intents = await api.call('GET', '/analyses?type=intent&page_size=1', { token });
    const next = await api.call('GET', `/analyses?type=intent&page_size=1&cursor=${intents.json.cursor}`, { token });
    const all = await api.call('GET', '/analyses', { token });
    const unknown = await api.call('GET', '/analyses?type=horoscope', { token });

    expect(intents.json.items.map((a: { result: { intent: string } }) => a.result.intent)).toEqual(['goal_planning']);
    expect(next.json.items.map((a: { result: { intent: string } }) => a.result.intent)).toEqual(['billing']);
    expect(all.json.items.map((a: { type: string }) => a.type).slice(0, 3)).toEqual([
      'strategy-alignment',
      'intent',
      'intent',
    ]);
    expect(unknown.status).toBe(404);
  });

  it('records feedback on a finished analysis, and a second verdict replaces the first', async () => {
    const token = await api.token('acme-plumbing');
    const run = await api.call('POST', '/analyses/strategy-alignment', { token, ...json({}) });

    const first = await api.call('POST', `/analyses/${run.json.id}/feedback`, { token, ...json({ thumbs: 'down' }) });
    const second = await api.call('POST', `/analyses/${run.json.id}/feedback`, {
      token,
      ...json({ thumbs: 'up', comment: 'Useful gaps' }),
    });
    const bad = await api.call('POST', `/analyses/${run.json.id}/feedback`, { token, ...json({ thumbs: 'sideways' }) });
    const read = await api.call('GET', `/analyses/${run.json.id}`, { token });

    expect(first.json).toEqual({ id: run.json.id, status: 'recorded' });
    expect(second.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(read.json.feedback).toMatchObject({ thumbs: 'up', comment: 'Useful gaps' });
  });
});

describe('tenant isolation', () => {
  it("never shows or changes another tenant's analysis", async () => {
    const owner = await api.token('acme-plumbing');
    const other = await api.token('brightside-dental');
    const run = await api.call('POST', '/analyses/strategy-alignment', { token: owner, ...json({}) });

    const read = await api.call('GET', `/analyses/${run.json.id}`, { token: other });
    const feedback = await api.call('POST', `/analyses/${run.json.id}/feedback`, {
      token: other,
      ...json({ thumbs: 'down' }),
    });
    const listed = await api.call('GET', '/analyses?page_size=100', { token: other });
    const untouched = await api.call('GET', `/analyses/${run.json.id}`, { token: owner });

    expect(read.status).toBe(404);
    expect(feedback.status).toBe(404);
    expect(listed.json.items.map((a: { id: string }) => a.id)).not.toContain(run.json.id);
    expect(untouched.json.feedback).toBeUndefined();
  });
});

describe('POST /ai/analyze-intent', () => {
  it("is the intent analysis under the assistant spec's name, with an object context", async () => {
    const token = await api.token('acme-plumbing');

    const response = await api.call('POST', '/ai/analyze-intent', {
      token,
      body: JSON.stringify({ message: 'I was charged twice on my invoice', context: { currentPage: '/billing' } }),
    });
    const stored = await api.call('GET', `/analyses/${response.json.id}`, { token });
    const bad = await api.call('POST', '/ai/analyze-intent', { token, body: JSON.stringify({ text: 'hi' }) });

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ type: 'intent', result: { intent: 'billing' } });
    expect(stored.json.result).toEqual(response.json.result);
    expect(bad.status).toBe(400);
  });
});
