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

describe('GET /insights', () => {
  it('generates on a miss with the model and serves the cache on the next call', async () => {
    const first = await getInsights(tokenA);
    const second = await getInsights(tokenA);

    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(6);
    expect(first.json.items.every((item: { source: string }) => item.source === 'llm')).toBe(true);
    expect(first.json.provenance).toMatchObject({
      promptTopic: 'insights_generation',
      promptVersion: 'v1.0',
      outcome: 'ok',
    });
    expect(second.json.generatedAt).toBe(first.json.generatedAt);
    expect(bedrock.callCount()).toBe(1);
  });

  it('records the tokens, model, prompt version, latency and cost of the call in the usage table', async () => {
    bedrock.setDefault(() => ({ toolInput: goodAnswer(), usage: { inputTokens: 2000, outputTokens: 1000 } }));

    await getInsights(tokenA);

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
      promptVersion: 'v1.0',
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
    await getInsights(tokenA);

    const request = bedrock.requests[0]!;
    const prompt = JSON.stringify(request.body.messages);
    expect(request.modelId).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(prompt).toContain('Acme');
    expect(prompt).not.toContain('{{');
    expect(request.body.toolConfig?.toolChoice).toEqual({ tool: { name: 'record_insights' } });
    expect(request.body.inferenceConfig).toEqual({ temperature: 0.3, maxTokens: 4096 });
  });

  it('regenerates after the 24 h expiry', async () => {
    const first = await getInsights(tokenA);
    await api.expireCurrentSet(TENANT_A);

    const second = await getInsights(tokenA);

    expect(second.json.generatedAt).not.toBe(first.json.generatedAt);
    expect(bedrock.callCount()).toBe(2);
  });

  it('filters by category and priority and pages through the rest', async () => {
    const strategy = await getInsights(tokenA, '?category=strategy');
    const high = await getInsights(tokenA, '?priority=high');
    const page2 = await getInsights(tokenA, '?page=2&pageSize=4');
    const beyond = await getInsights(tokenA, '?page=9&page_size=4');

    expect(strategy.json.items.map((item: { category: string }) => item.category)).toEqual(['strategy']);
    expect(high.json.total).toBe(2);
    expect(page2.json).toMatchObject({ page: 2, pageSize: 4, total: 6, totalPages: 2 });
    expect(page2.json.items).toHaveLength(2);
    expect(beyond.status).toBe(200);
    expect(beyond.json.items).toEqual([]);
  });

  it('makes exactly one model call for 20 concurrent misses', async () => {
    bedrock.setDefault(() => ({ toolInput: goodAnswer(), delayMs: 200 }));

    const responses = await Promise.all(Array.from({ length: 20 }, () => getInsights(tokenA)));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((response) => response.json.generatedAt)).size).toBe(1);
    expect(bedrock.callCount()).toBe(1);
  });
});

describe('business data failures', () => {
  it('generates from the remaining sources and names the one that failed', async () => {
    api.stack.demoApi?.setFault('/goals/stats', { status: 500 });

    const response = await getInsights(tokenA);

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

    expect(response.status).toBe(502);
    expect(response.json.error.code).toBe('upstream_unavailable');
    expect(response.json.error.message).toContain('None of the business data sources');
    expect(bedrock.callCount()).toBe(0);
  });

  it('serves the older set marked stale when every source fails', async () => {
    const older = await getInsights(tokenA);
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

    const response = await getInsights(tokenA);

    expect(response.status).toBe(200);
    expect(response.json.stale).toBe(true);
    expect(response.json.generatedAt).toBe(older.json.generatedAt);
  });
});

describe('model failures', () => {
  it('falls back to the rules generator when Bedrock keeps throttling', async () => {
    bedrock.setDefault(() => ({ status: 429 }));

    const response = await getInsights(tokenA);

    expect(response.status).toBe(200);
    expect(response.json.provenance.outcome).toBe('fallback');
    expect(response.json.items.length).toBeGreaterThanOrEqual(5);
    expect(response.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
    expect(bedrock.callCount()).toBe(2);
  });

  it('repairs prose and code fences around the JSON without another call', async () => {
    bedrock.enqueue({ text: proseWrappedAnswer() });

    const response = await getInsights(tokenA);

    expect(response.json.provenance.outcome).toBe('repaired');
    expect(response.json.items).toHaveLength(6);
    expect(bedrock.callCount()).toBe(1);
  });

  it('asks for one repair when the output is truncated, then uses the repaired answer', async () => {
    const truncated = JSON.stringify(goodAnswer()).slice(0, 300);
    bedrock.enqueue({ text: truncated, stopReason: 'max_tokens' }, { toolInput: goodAnswer() });

    const response = await getInsights(tokenA);

    expect(bedrock.callCount()).toBe(2);
    expect(JSON.stringify(bedrock.requests[1]?.body.messages)).toContain('Call the tool again');
    expect(response.json.provenance.outcome).toBe('repaired');
    expect(response.json.items.every((item: { source: string }) => item.source === 'llm')).toBe(true);
  });

  it('falls back to rules when the repaired output is still invalid', async () => {
    bedrock.enqueue(
      { toolInput: { insights: goodAnswer().insights.slice(0, 2) } },
      { text: 'I cannot help with that.' },
    );

    const response = await getInsights(tokenA);

    expect(response.status).toBe(200);
    expect(response.json.provenance.outcome).toBe('fallback');
    expect(bedrock.callCount()).toBe(2);
  });

  it('drops an insight that states a number not in the data and tops up from the rules', async () => {
    const answer = goodAnswer();
    answer.insights = answer.insights.slice(0, 5);
    answer.insights[0] = { ...answer.insights[0]!, title: 'Revenue grew 937% last quarter' };
    bedrock.enqueue({ toolInput: answer });

    const response = await getInsights(tokenA, '?status=all');

    const titles = response.json.items.map((item: { title: string }) => item.title);
    expect(titles).not.toContain('Revenue grew 937% last quarter');
    expect(response.json.items.length).toBeGreaterThanOrEqual(5);
    expect(response.json.items.some((item: { source: string }) => item.source === 'rules')).toBe(true);
  });
});

describe('dismiss and acknowledge', () => {
  it('dismisses idempotently, hides the insight by default and suppresses it after a refresh', async () => {
    const page = await getInsights(tokenA);
    const target = page.json.items[0];

    const first = await api.call('POST', `/insights/${target.id}/dismiss`, { token: tokenA });
    const again = await api.call('POST', `/insights/${target.id}/dismiss`, { token: tokenA });
    const active = await getInsights(tokenA);
    const dismissed = await getInsights(tokenA, '?status=dismissed');
    const refreshed = await api.call('POST', '/insights/refresh', { token: tokenA });

    expect(first.status).toBe(200);
    expect(first.json.insight.status).toBe('dismissed');
    expect(again.status).toBe(200);
    expect(active.json.items.map((item: { id: string }) => item.id)).not.toContain(target.id);
    expect(dismissed.json.items.map((item: { id: string }) => item.id)).toEqual([target.id]);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.items.map((item: { title: string }) => item.title)).not.toContain(target.title);
  });

  it('acknowledges and counts it in the summary', async () => {
    const page = await getInsights(tokenA);

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
    const pageA = await getInsights(tokenA);
    const pageB = await getInsights(tokenB);
    const idA = pageA.json.items[0].id;

    const dismissByB = await api.call('POST', `/insights/${idA}/dismiss`, { token: tokenB });
    const ackByB = await api.call('POST', `/insights/${idA}/acknowledge`, { token: tokenB });
    const afterA = await getInsights(tokenA);

    expect(pageB.json.items.map((item: { id: string }) => item.id)).not.toContain(idA);
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
  it('regenerates ignoring the cache, then answers 429 with Retry-After within the cooldown', async () => {
    const cached = await getInsights(tokenA);

    const refreshed = await api.call('POST', '/insights/refresh', { token: tokenA });
    const tooSoon = await api.call('POST', '/insights/refresh', { token: tokenA });

    expect(refreshed.status).toBe(200);
    expect(refreshed.json.generatedAt).not.toBe(cached.json.generatedAt);
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(200);
    expect(tooSoon.json.error.code).toBe('rate_limited');
  });
});
