import { DynamoUsageLedger } from '../../../functions/shared/usage/dynamo-usage-ledger';
import { daysBefore } from '../../../functions/shared/metrics/trends';
import { startTestApi, type TestApi } from '../../support/local-api';
import { meterCall } from '../../support/usage-fakes';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterEach(() => {
  api.stack.demoApi?.clearFaults();
});

afterAll(async () => {
  await api.close();
});

const ACME = 'acme-plumbing';
const BRIGHTSIDE = 'brightside-dental';
/** A tenant with an imported metric history and no business data. */
const HISTORY_CO = 'history-co';

const post = async (path: string, body: unknown, tenantId: string) =>
  api.call('POST', path, { token: await api.token(tenantId, 'owner-1'), body: JSON.stringify(body) });

const accountStatus = async (tenantId: string, body: unknown = {}) => post('/ai/account-status', body, tenantId);

/** Reads the tenant's business data afresh (its insights regenerated on a miss, under the rules provider). */
const readBusinessData = async (tenantId: string): Promise<void> => {
  await api.clearTenant(tenantId);
  const response = await api.call('GET', '/insights', { token: await api.token(tenantId, 'owner-1') });
  expect(response.status).toBe(200);
};

const integration = (response: { json: any }, source: string) =>
  response.json.integrations.find((entry: { source: string }) => entry.source === source);

describe('POST /ai/account-status', () => {
  it("shows each .NET source as unknown before any read, and healthy with its last success once the tenant's data was read", async () => {
    const before = await accountStatus(ACME);
    await readBusinessData(ACME);
    const after = await accountStatus(ACME);
    const other = await accountStatus(BRIGHTSIDE);

    expect(before.status).toBe(200);
    expect(before.json.integrations.map((entry: { status: string }) => entry.status)).toEqual(Array(6).fill('unknown'));
    expect(after.json.account).toEqual({ tenantId: ACME, status: 'active' });
    expect(after.json.integrations).toHaveLength(6);
    expect(integration(after, 'foundation')).toEqual({
      source: 'foundation',
      service: 'account',
      endpoint: '/business/foundation',
      status: 'healthy',
      lastSuccessAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(other.json.integrations.map((entry: { status: string }) => entry.status)).toEqual(Array(6).fill('unknown'));
  });

  it('shows a source failing for one tenant as failing for that tenant only, with the error and an alert', async () => {
    api.stack.demoApi?.setFault('/goals', { status: 503, tenantId: ACME });
    await readBusinessData(ACME);
    await readBusinessData(BRIGHTSIDE);

    const acme = await accountStatus(ACME);
    const brightside = await accountStatus(BRIGHTSIDE);

    expect(acme.json.account.status).toBe('degraded');
    expect(integration(acme, 'goals')).toMatchObject({
      status: 'failing',
      lastSuccessAt: expect.any(String),
      lastFailureAt: expect.any(String),
      lastError: { reason: 'http_error', status: 503 },
    });
    expect(integration(acme, 'goalStats').status).toBe('healthy');
    expect(acme.json.alerts).toContainEqual(
      expect.objectContaining({ code: 'source_failing', severity: 'warning', source: 'goals' }),
    );
    expect(brightside.json.account.status).toBe('active');
    expect(integration(brightside, 'goals').status).toBe('healthy');
    expect(brightside.json.alerts).toEqual([]);

    api.stack.demoApi?.clearFaults();
    await readBusinessData(ACME);
    const recovered = await accountStatus(ACME);
    expect(integration(recovered, 'goals')).toMatchObject({ status: 'healthy', lastError: { status: 503 } });
    expect(recovered.json.account.status).toBe('active');
  });

  it("reports each tenant's own usage and plan: tenant B sees none of tenant A's", async () => {
    const admin = await api.token('platform', 'ops-1', 'platform-admin');
    const limits = await api.call('PUT', `/admin/tenants/${ACME}/limits`, {
      token: admin,
      body: JSON.stringify({ monthlyTokenBudget: 1_500 }),
    });
    expect(limits.status).toBe(200);
    await meterCall(new DynamoUsageLedger(api.db, api.stack.env.USAGE_TABLE ?? 'coaching-usage'), ACME, new Date());

    const acme = await accountStatus(ACME);
    const brightside = await accountStatus(BRIGHTSIDE);

    expect(acme.json.subscription).toMatchObject({
      plan: 'custom',
      customLimits: ['monthlyTokenBudget'],
      limits: { monthlyTokenBudget: 1_500 },
    });
    expect(acme.json.usage.tokens).toMatchObject({ used: 1_200, limit: 1_500, percent: 80 });
    expect(acme.json.billing).toMatchObject({ currency: 'USD', monthToDateUsd: 0.006 });
    expect(acme.json.alerts).toContainEqual(expect.objectContaining({ code: 'token_budget_warning' }));
    expect(brightside.json.subscription).toMatchObject({ plan: 'standard', customLimits: [] });
    expect(brightside.json.usage.tokens.used).toBe(0);
    expect(brightside.json.alerts).toEqual([]);

    await api.call('DELETE', `/admin/tenants/${ACME}/limits`, { token: admin });
  });

  it('answers only the sections asked for', async () => {
    const response = await accountStatus(ACME, { includeUsage: false, includeBilling: false });

    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['account', 'subscription', 'integrations', 'alerts', 'checkedAt']);
  });

  it.each([
    ['an unknown key', { includeEverything: true }],
    ['a flag that is not a boolean', { includeUsage: 'yes' }],
  ])('refuses %s with a 400', async (_case, body) => {
    const response = await accountStatus(ACME, body);

    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_error');
  });
});

describe('POST /ai/analytics-overview', () => {
  const overview = async (body: unknown, tenantId = ACME) => post('/ai/analytics-overview', body, tenantId);

  it("summarises the tenant's history over the range, against the range before it, with its trend signals", async () => {
    // 60 days imported: 50 the 30 days before the range, 60 in it (today included).
    const today = new Date().toISOString().slice(0, 10);
    const points = Array.from({ length: 60 }, (_, i) => ({
      date: daysBefore(today, i),
      metric: 'overallScore',
      value: i < 30 ? 60 : 50,
    }));
    const imported = await api.call('POST', `/admin/tenants/${HISTORY_CO}/metrics/import`, {
      token: await api.token('platform', 'ops-1', 'platform-admin'),
      body: JSON.stringify({ points }),
    });
    expect(imported.status).toBe(200);

    const response = await overview({ timeRange: 'last_30_days', metrics: ['overallScore'] }, HISTORY_CO);

    expect(response.status).toBe(200);
    expect(response.json.timeRange).toEqual({
      period: 'last_30_days',
      start: daysBefore(today, 29),
      end: today,
      days: 30,
    });
    expect(response.json.metrics).toEqual([
      {
        metric: 'overallScore',
        label: 'Overall score',
        points: 30,
        latest: { date: today, value: 60 },
        average: 60,
        min: 60,
        max: 60,
      },
    ]);
    expect(response.json.trends.comparisons).toEqual({
      previous: { start: daysBefore(today, 59), end: daysBefore(today, 30) },
      metrics: [
        { metric: 'overallScore', current: 60, previous: 50, change: 10, changePercent: 20, assessment: 'better' },
      ],
    });
    expect(response.json.trends.historyDays).toBe(60);
    expect(response.json.trends.signals).toContainEqual(expect.objectContaining({ key: 'score_change' }));
  });

  it('answers a tenant without history or insights with empty metrics and says no insights are cached (none made)', async () => {
    const response = await overview({ timeRange: 'last_7_days' }, 'no-history-co');
    const insights = await api.call('GET', '/insights/summary', { token: await api.token('no-history-co', 'owner-1') });

    expect(response.status).toBe(200);
    expect(response.json.metrics.every((metric: { points: number }) => metric.points === 0)).toBe(true);
    expect(response.json.trends).toMatchObject({ historyDays: 0, signals: [] });
    expect(response.json.insights).toMatchObject({ available: false, top: [] });
    expect(insights.status).not.toBe(200);
  });

  it('answers the insight set cached for the tenant', async () => {
    await readBusinessData(ACME);

    const response = await overview({ timeRange: 'last_7_days', includeComparisons: false });

    expect(response.json.trends.comparisons).toBeUndefined();
    expect(response.json.insights).toMatchObject({ available: true, stale: false, source: 'rules' });
    expect(response.json.insights.top.length).toBeGreaterThan(0);
  });

  it.each([
    ['no time range', {}],
    ['an unknown time range', { timeRange: 'yesterday' }],
    ['an unknown metric', { timeRange: 'last_7_days', metrics: ['revenue'] }],
    ['an empty metric list', { timeRange: 'last_7_days', metrics: [] }],
    ['an unknown key', { timeRange: 'last_7_days', tenantId: BRIGHTSIDE }],
  ])('refuses %s with a 400', async (_case, body) => {
    const response = await overview(body);

    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_error');
  });
});
