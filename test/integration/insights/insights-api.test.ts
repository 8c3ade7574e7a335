import { setTimeout as sleep } from 'node:timers/promises';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FakeBedrock } from '../../../local/fake-bedrock';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { goodAnswer, proseWrappedAnswer } from '../../support/model-answers';

const TENANT_A = 'acme-plumbing';
const TENANT_B = 'brightside-dental';

let api: ModelTestApi;
let bedrock: FakeBedrock;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  api = await startTestApiWithModel({
    BEDROCK_MAX_ATTEMPTS: '2',
    BEDROCK_RETRY_DELAY_MS: '5',
    BUSINESS_API_TIMEOUT_MS: '400',
  });
  bedrock = api.bedrock;
  tokenA = await api.token(TENANT_A);
  tokenB = await api.token(TENANT_B);
});

afterAll(async () => {
  await api.close();
});

let startedAt: string;

beforeEach(async () => {
  startedAt = new Date().toISOString();
  bedrock.reset();
  bedrock.setDefault(() => ({ toolInput: goodAnswer() }));
  api.stack.demoApi?.clearFaults();
  await api.clearTenant(TENANT_A);
  await api.clearTenant(TENANT_B);
});

const getInsights = (token: string, query = '') => api.call('GET', `/insights${query}`, { token });
/** The insights once the job a read started is over (what the user sees after waiting). */
const settledInsights = async (token: string, query = '') => (await api.settledInsights(token, query)).settled;

describe('GET /insights', () => {
  it("answers a miss with the rules' set and a pending job, then serves the model's set from the cache", async () => {
    const { first, settled } = await api.settledInsights(tokenA);
    const again = await getInsights(tokenA);

    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ source: 'rules', stale: false, generation: { status: 'pending' } });
    expect(first.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
    expect(settled.json.items).toHaveLength(6);
    expect(settled.json.items.every((item: { source: string }) => item.source === 'llm')).toBe(true);
    expect(settled.json).toMatchObject({
      source: 'llm',
      generation: { status: 'done', jobId: first.json.generation.jobId },
      provenance: { promptTopic: 'insights_generation', promptVersion: 'v1.1', outcome: 'ok' },
    });
    expect(again.json.generatedAt).toBe(settled.json.generatedAt);
    expect(bedrock.callCount()).toBe(1);
  });

  it('answers a miss within a second while the model takes 20 s, and the job replaces the set when it is done', async () => {
    // Like Claude on Bedrock: 0.8 s to the first token, then 1,920 output tokens at 100 tokens/s.
    bedrock.setPace({ firstTokenMs: 800, tokensPerSecond: 100 });
    bedrock.setDefault(() => ({ toolInput: goodAnswer(), usage: { inputTokens: 3_000, outputTokens: 1_920 } }));

    const startedAt = Date.now();
    const miss = await getInsights(tokenA);
    const missMs = Date.now() - startedAt;
    const summary = await api.call('GET', '/insights/summary', { token: tokenA });
    const summaryMs = Date.now() - startedAt - missMs;
    const done = await api.awaitJob(tokenA, miss.json.generation.jobId);
    const settled = await getInsights(tokenA);

    expect(missMs).toBeLessThan(1_000);
    expect(summaryMs).toBeLessThan(1_000);
    expect(miss.json).toMatchObject({ source: 'rules', stale: false });
    expect(miss.json.items.length).toBeGreaterThanOrEqual(5);
    expect(summary.json.generation).toMatchObject({ jobId: miss.json.generation.jobId });
    expect(['pending', 'running']).toContain(summary.json.generation.status);
    expect(done.json).toMatchObject({ status: 'done', kind: 'insights', trigger: 'miss' });
    expect(Date.parse(done.json.finishedAt) - Date.parse(done.json.createdAt)).toBeGreaterThanOrEqual(20_000);
    expect(settled.json).toMatchObject({ source: 'llm', generation: { status: 'done' } });
  }, 45_000);

  it('records the tokens, model, prompt version, latency and cost of the call in the usage table', async () => {
    bedrock.setDefault(() => ({ toolInput: goodAnswer(), usage: { inputTokens: 2000, outputTokens: 1000 } }));

    await settledInsights(tokenA);

    const { Items = [] } = await api.db.send(
      new QueryCommand({
        TableName: api.stack.env.USAGE_TABLE ?? 'coaching-usage',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `TENANT#${TENANT_A}` },
      }),
    );
    const event = Items.find((item) => String(item.sk).startsWith('USAGE#EVENT#') && item.at >= startedAt);
    expect(event).toMatchObject({
      requestType: 'insights',
      promptTopic: 'insights_generation',
      promptVersion: 'v1.1',
      modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      inputTokens: 2000,
      outputTokens: 1000,
      costMicros: 21_000,
      outcome: 'ok',
      routingReason: 'primary',
    });
    expect(event?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 399 * 86400);
  });

  it('sends the rendered template with the tenant data and the insights tool', async () => {
    await settledInsights(tokenA);

    const request = bedrock.requests[0]!;
    const prompt = JSON.stringify(request.body.messages);
    expect(request.modelId).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(prompt).toContain('Acme');
    expect(prompt).not.toContain('{{');
    expect(request.body.toolConfig?.toolChoice).toEqual({ tool: { name: 'record_insights' } });
    expect(request.body.inferenceConfig).toEqual({ temperature: 0.3, maxTokens: 4096 });
  });

  it('serves the expired set as stale after 24 h while a job regenerates it', async () => {
    const first = await settledInsights(tokenA);
    await api.expireCurrentSet(TENANT_A);

    const { first: expired, settled } = await api.settledInsights(tokenA);

    expect(expired.json).toMatchObject({ stale: true, source: 'llm', generatedAt: first.json.generatedAt });
    expect(expired.json.generation.status).toBe('pending');
    expect(settled.json.stale).toBe(false);
    expect(settled.json.generatedAt).not.toBe(first.json.generatedAt);
    expect(bedrock.callCount()).toBe(2);
  });

  it('filters by category and priority and pages through the rest', async () => {
    await settledInsights(tokenA);
    const strategy = await getInsights(tokenA, '?category=strategy');
    const high = await getInsights(tokenA, '?priority=high');
    const page1 = await getInsights(tokenA, '?pageSize=4');
    const page2 = await getInsights(tokenA, `?pageSize=4&cursor=${page1.json.cursor}`);
    const otherFilter = await getInsights(tokenA, `?page_size=4&status=all&cursor=${page1.json.cursor}`);

    expect(strategy.json.items.map((item: { category: string }) => item.category)).toEqual(['strategy']);
    expect(high.json.total).toBe(2);
    expect(page1.json).toMatchObject({ pageSize: 4, total: 6, cursor: expect.any(String) });
    expect(page2.json).toMatchObject({ pageSize: 4, total: 6 });
    expect(page2.json.cursor).toBeUndefined();
    expect(page2.json.items).toHaveLength(2);
    expect(otherFilter.status).toBe(400);
    expect(otherFilter.json.error.code).toBe('invalid_cursor');
  });

  it('starts one job and makes exactly one model call for 20 concurrent misses', async () => {
    bedrock.setDefault(() => ({ toolInput: goodAnswer(), delayMs: 200 }));

    const responses = await Promise.all(Array.from({ length: 20 }, () => getInsights(tokenA)));
    await api.awaitJob(tokenA, responses[0]!.json.generation.jobId);

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((response) => response.json.generatedAt)).size).toBe(1);
    expect(new Set(responses.map((response) => response.json.generation.jobId)).size).toBe(1);
    expect(bedrock.callCount()).toBe(1);
  });

  it('answers 304 to a read that names the ETag of an unchanged answer, and 200 once the job changed it', async () => {
    const { settled } = await api.settledInsights(tokenA);
    const etag = settled.headers.get('etag');

    const unchanged = await api.call('GET', '/insights', { token: tokenA, headers: { 'if-none-match': etag! } });
    await api.call('POST', '/insights/refresh', { token: tokenA });
    await api.stack.workersIdle();
    const changed = await api.call('GET', '/insights', { token: tokenA, headers: { 'if-none-match': etag! } });

    expect(etag).toMatch(/^"[^"]+"$/);
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });
});

describe('business data failures', () => {
  it('generates from the remaining sources and names the one that failed', async () => {
    api.stack.demoApi?.setFault('/goals/stats', { status: 500 });

    const response = await settledInsights(tokenA);

    expect(response.status).toBe(200);
    expect(response.json.dataGaps).toEqual([{ source: 'goalStats', reason: 'http_error', status: 500 }]);
    expect(
      response.json.items.find((item: { signalKey?: string }) => item.signalKey === 'data_gap:goalStats'),
    ).toMatchObject({
      title: 'Connect your goal statistics',
      source: 'rules',
    });
    expect(JSON.stringify(bedrock.requests[0]?.body.messages)).toContain('goalStats: unavailable');
  });

  it('answers 502 with a clear message when every source fails and there is no older set', async () => {
    for (const path of [
      '/business/foundation',
      '/goals',
      '/goals/stats',
      '/performance/score',
      '/api/operations/actions',
      '/api/operations/issues',
    ]) {
      api.stack.demoApi?.setFault(path, { status: 503 });
    }

    const response = await getInsights(tokenA);
    await api.stack.workersIdle();

    expect(response.status).toBe(502);
    expect(response.json.error.code).toBe('upstream_unavailable');
    expect(response.json.error.message).toContain('None of the business data sources');
    expect(bedrock.callCount()).toBe(0);
  });

  it('answers 404 no_business_data, not a 502 to retry, for a tenant the .NET APIs do not know', async () => {
    const stranger = await api.token('globex-corp');

    const response = await getInsights(stranger);
    const summary = await api.call('GET', '/insights/summary', { token: stranger });

    expect([response.status, summary.status]).toEqual([404, 404]);
    expect(response.json.error.code).toBe('no_business_data');
    expect(response.json.error.message).toContain('no records of it');
    expect(response.json.error.message).not.toMatch(/try again/i);
    expect(summary.json.error.code).toBe('no_business_data');
  });

  it('gives a tenant whose sources answer with empty data its onboarding insights, from the rules', async () => {
    const empty = {
      '/business/foundation': { businessName: 'Initech' },
      '/goals': [],
      '/goals/stats': { totalGoals: 0, completed: 0 },
      '/performance/score': { components: [] },
      '/api/operations/actions': [],
      '/api/operations/issues': [],
    };
    for (const [path, body] of Object.entries(empty)) {
      api.stack.demoApi?.setFault(path, { body: JSON.stringify(body), tenantId: 'initech' });
    }
    const newcomer = await api.token('initech');

    const response = await getInsights(newcomer);
    await api.awaitJob(newcomer, response.json.generation.jobId);

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ source: 'rules', dataGaps: [] });
    expect(response.json.items.map((item: { title: string }) => item.title)).toEqual([
      'Write down your vision',
      'Write down your purpose',
      'Write down your core values',
      'Set your first goals',
      'Define the KPIs you will track',
      'Start tracking actions',
      'Log issues as they come up',
    ]);
  });

  it('serves the older set marked stale when every source fails', async () => {
    const older = await settledInsights(tokenA);
    await api.expireCurrentSet(TENANT_A);
    for (const path of [
      '/business/foundation',
      '/goals',
      '/goals/stats',
      '/performance/score',
      '/api/operations/actions',
      '/api/operations/issues',
    ]) {
      api.stack.demoApi?.setFault(path, { body: '<html>maintenance</html>' });
    }

    const { first: response, settled } = await api.settledInsights(tokenA);
    const job = await api.call('GET', `/insight-jobs/${response.json.generation.jobId}`, { token: tokenA });

    expect(response.status).toBe(200);
    expect(response.json.stale).toBe(true);
    expect(response.json.generatedAt).toBe(older.json.generatedAt);
    expect(job.json).toMatchObject({ status: 'failed', reason: 'upstream_unavailable' });
    expect(settled.json).toMatchObject({ stale: true, generatedAt: older.json.generatedAt });
  });
});

describe('model failures', () => {
  it("keeps the rules' set and puts the job back for a later delivery while Bedrock keeps throttling", async () => {
    bedrock.setDefault(() => ({ status: 429 }));

    const { first, settled } = await api.settledInsights(tokenA);
    const job = await api.call('GET', `/insight-jobs/${first.json.generation.jobId}`, { token: tokenA });

    expect(settled.status).toBe(200);
    expect(settled.json.generatedAt).toBe(first.json.generatedAt);
    expect(settled.json.provenance.outcome).toBe('rules');
    expect(settled.json.items.length).toBeGreaterThanOrEqual(5);
    expect(settled.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
    expect(job.json).toMatchObject({ status: 'pending', reason: 'model_unavailable' });
    expect(bedrock.callCount()).toBe(2);
  });

  it('repairs prose and code fences around the JSON without another call', async () => {
    bedrock.enqueue({ text: proseWrappedAnswer() });

    const response = await settledInsights(tokenA);

    expect(response.json.provenance.outcome).toBe('repaired');
    expect(response.json.items).toHaveLength(6);
    expect(bedrock.callCount()).toBe(1);
  });

  it('asks for one repair when the output is truncated, then uses the repaired answer', async () => {
    const truncated = JSON.stringify(goodAnswer()).slice(0, 300);
    bedrock.enqueue({ text: truncated, stopReason: 'max_tokens' }, { toolInput: goodAnswer() });

    const response = await settledInsights(tokenA);

    expect(bedrock.callCount()).toBe(2);
    expect(JSON.stringify(bedrock.requests[1]?.body.messages)).toContain('Call the tool again');
    expect(response.json.provenance.outcome).toBe('repaired');
    expect(response.json.items.every((item: { source: string }) => item.source === 'llm')).toBe(true);
  });

  it("fails the job and keeps the rules' set when the repaired output is still invalid", async () => {
    bedrock.enqueue(
      { toolInput: { insights: goodAnswer().insights.slice(0, 2) } },
      { text: 'I cannot help with that.' },
    );

    const { first, settled } = await api.settledInsights(tokenA);
    const job = await api.call('GET', `/insight-jobs/${first.json.generation.jobId}`, { token: tokenA });

    expect(settled.status).toBe(200);
    expect(settled.json).toMatchObject({ source: 'rules', generatedAt: first.json.generatedAt });
    expect(settled.json.generation.status).toBe('failed');
    expect(job.json.status).toBe('failed');
    expect(job.json.reason).toEqual(expect.any(String));
    expect(bedrock.callCount()).toBe(2);
  });

  it('drops an insight that states a number not in the data and tops up from the rules', async () => {
    const answer = goodAnswer();
    answer.insights = answer.insights.slice(0, 5);
    answer.insights[0] = { ...answer.insights[0]!, title: 'Revenue grew 937% last quarter' };
    bedrock.enqueue({ toolInput: answer });

    const response = await settledInsights(tokenA, '?status=all');

    const titles = response.json.items.map((item: { title: string }) => item.title);
    expect(titles).not.toContain('Revenue grew 937% last quarter');
    expect(response.json.items.length).toBeGreaterThanOrEqual(5);
    expect(response.json.items.some((item: { source: string }) => item.source === 'rules')).toBe(true);
  });
});

describe('dismiss and acknowledge', () => {
  it('dismisses idempotently, hides the insight by default and suppresses it after a refresh', async () => {
    const page = await settledInsights(tokenA);
    const target = page.json.items[0];

    const first = await api.call('POST', `/insights/${target.id}/dismiss`, { token: tokenA });
    const again = await api.call('POST', `/insights/${target.id}/dismiss`, { token: tokenA });
    const active = await getInsights(tokenA);
    const dismissed = await getInsights(tokenA, '?status=dismissed');
    const refresh = await api.call('POST', '/insights/refresh', { token: tokenA });
    await api.awaitJob(tokenA, refresh.json.jobId);
    const refreshed = await getInsights(tokenA);

    expect(first.status).toBe(200);
    expect(first.json.insight.status).toBe('dismissed');
    expect(again.status).toBe(200);
    expect(active.json.items.map((item: { id: string }) => item.id)).not.toContain(target.id);
    expect(dismissed.json.items.map((item: { id: string }) => item.id)).toEqual([target.id]);
    expect(refresh.status).toBe(202);
    expect(refreshed.json.generatedAt).not.toBe(page.json.generatedAt);
    expect(refreshed.json.items.map((item: { title: string }) => item.title)).not.toContain(target.title);
    expect(bedrock.callCount()).toBe(2);
  });

  it('keeps a dismissal and an acknowledgement made while a job regenerates the set', async () => {
    const before = await settledInsights(tokenA);
    const [dismissed, acknowledged] = before.json.items as { id: string; title: string }[];
    bedrock.setDefault(() => ({ toolInput: goodAnswer(), delayMs: 1_500 }));

    const refresh = await api.call('POST', '/insights/refresh', { token: tokenA });
    // The job has read the set and the dismissals and waits for the model: what the user does now races its save.
    while (bedrock.openCalls() === 0) await sleep(10);
    const dismiss = await api.call('POST', `/insights/${dismissed!.id}/dismiss`, { token: tokenA });
    const acknowledge = await api.call('POST', `/insights/${acknowledged!.id}/acknowledge`, { token: tokenA });
    const job = await api.awaitJob(tokenA, refresh.json.jobId);
    const after = await getInsights(tokenA, '?status=all');
    const statusOf = (title: string) =>
      after.json.items.find((item: { title: string }) => item.title === title)?.status as string;

    expect([dismiss.status, acknowledge.status, job.json.status]).toEqual([200, 200, 'done']);
    expect(after.json.generatedAt).not.toBe(before.json.generatedAt);
    expect(statusOf(dismissed!.title)).toBe('dismissed');
    expect(statusOf(acknowledged!.title)).toBe('acknowledged');
  });

  it('keeps the ids across a refresh, so a link to an insight still dismisses or acknowledges it', async () => {
    const before = await settledInsights(tokenA);
    const [toDismiss, toAcknowledge] = before.json.items as { id: string; title: string }[];

    const after = await api.refreshedInsights(tokenA);
    const dismiss = await api.call('POST', `/insights/${toDismiss!.id}/dismiss`, { token: tokenA });
    const acknowledge = await api.call('POST', `/insights/${toAcknowledge!.id}/acknowledge`, { token: tokenA });

    const idsOf = (page: { json: { items: { id: string }[] } }) => page.json.items.map((item) => item.id).sort();
    expect(after.json.generatedAt).not.toBe(before.json.generatedAt);
    expect(idsOf(after)).toEqual(idsOf(before));
    expect([dismiss.status, acknowledge.status]).toEqual([200, 200]);
    expect(dismiss.json.insight).toMatchObject({ id: toDismiss!.id, title: toDismiss!.title, status: 'dismissed' });
    expect(acknowledge.json.insight).toMatchObject({ id: toAcknowledge!.id, status: 'acknowledged' });
  });

  it('keeps an insight dismissed and then acknowledged in the next set, acknowledged: the last change wins', async () => {
    const before = await settledInsights(tokenA);
    const target = before.json.items[0] as { id: string; title: string };

    await api.call('POST', `/insights/${target.id}/dismiss`, { token: tokenA });
    const acknowledge = await api.call('POST', `/insights/${target.id}/acknowledge`, { token: tokenA });
    await api.refreshedInsights(tokenA);
    const after = await getInsights(tokenA, '?status=all');

    expect(acknowledge.json.insight.status).toBe('acknowledged');
    expect(after.json.generatedAt).not.toBe(before.json.generatedAt);
    expect(after.json.items.find((item: { title: string }) => item.title === target.title)).toMatchObject({
      id: target.id,
      status: 'acknowledged',
    });
  });

  it('acknowledges and counts it in the summary', async () => {
    const page = await settledInsights(tokenA);

    const acknowledged = await api.call('POST', `/insights/${page.json.items[1].id}/acknowledge`, { token: tokenA });
    const summary = await api.call('GET', '/insights/summary', { token: tokenA });

    expect(acknowledged.json.insight.status).toBe('acknowledged');
    expect(summary.json.byStatus).toEqual({ active: 5, dismissed: 0, acknowledged: 1 });
    expect(summary.json.total).toBe(6);
    expect(summary.json.byCategory.strategy).toBe(1);
    expect(summary.json.expiresAt).toBe(page.json.expiresAt);
  });

  it('answers 404 for an id that does not exist', async () => {
    await getInsights(tokenA);

    const response = await api.call('POST', '/insights/nope123/acknowledge', { token: tokenA });

    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('not_found');
  });
});

describe('tenant isolation', () => {
  it("keeps tenant B from reading or changing tenant A's insights", async () => {
    const pageA = await settledInsights(tokenA);
    const pageB = await settledInsights(tokenB);
    const idA = pageA.json.items[0].id;

    const jobByB = await api.call('GET', `/insight-jobs/${pageA.json.generation.jobId}`, { token: tokenB });
    const dismissByB = await api.call('POST', `/insights/${idA}/dismiss`, { token: tokenB });
    const ackByB = await api.call('POST', `/insights/${idA}/acknowledge`, { token: tokenB });
    const afterA = await getInsights(tokenA);

    expect(pageB.json.items.map((item: { id: string }) => item.id)).not.toContain(idA);
    expect(jobByB.status).toBe(404);
    expect(dismissByB.status).toBe(404);
    expect(ackByB.status).toBe(404);
    expect(afterA.json.items.find((item: { id: string }) => item.id === idA).status).toBe('active');
  });

  it('rejects a tenant named in the query string', async () => {
    const response = await getInsights(tokenB, `?tenantId=${TENANT_A}`);

    expect(response.status).toBe(400);
  });
});

describe('POST /insights/refresh', () => {
  it('answers 202 with a job that regenerates ignoring the cache, then 429 with Retry-After within the cooldown', async () => {
    const cached = await settledInsights(tokenA);

    const refresh = await api.call('POST', '/insights/refresh', { token: tokenA });
    const tooSoon = await api.call('POST', '/insights/refresh', { token: tokenA });
    const job = await api.awaitJob(tokenA, refresh.json.jobId);
    const refreshed = await getInsights(tokenA);

    expect(refresh.status).toBe(202);
    expect(refresh.headers.get('location')).toBe(`/insight-jobs/${refresh.json.jobId}`);
    expect(refresh.json).toMatchObject({ kind: 'insights', status: 'pending', trigger: 'refresh' });
    expect(job.json).toMatchObject({ status: 'done' });
    expect(refreshed.json.generatedAt).not.toBe(cached.json.generatedAt);
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(200);
    expect(tooSoon.json.error.code).toBe('rate_limited');
  });
});
