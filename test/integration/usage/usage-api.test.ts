import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { goodAnswer } from '../../support/model-answers';

const TENANT = 'brightside-dental';
const OTHER = 'northwind-saas';
let api: ModelTestApi;
let admin: string;
let user: string;

beforeAll(async () => {
  api = await startTestApiWithModel({ INSIGHTS_REFRESH_COOLDOWN_SECONDS: '0' });
  api.bedrock.setDefault(() => ({
    toolInput: goodAnswer(),
    usage: { inputTokens: 3000, outputTokens: 1000, cacheReadInputTokens: 200, cacheWriteInputTokens: 100 },
  }));
  admin = await api.token('platform', 'admin-1', 'platform-admin');
  user = await api.token(TENANT);
  await api.refreshedInsights(user);
  await api.refreshedInsights(await api.token(OTHER));
});

afterAll(async () => {
  await api.close();
});

const now = new Date();
const today = now.toISOString().slice(0, 10);
const thisMonth = today.slice(0, 7);
const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
/** What one insights generation of the fake model uses: 3,000 tokens in, 1,000 out, 200 cache reads, 100 writes. */
const generations = (calls: number) => ({
  calls,
  tokens: calls * 4000,
  inputTokens: calls * 3000,
  outputTokens: calls * 1000,
  cacheReadTokens: calls * 200,
  cacheWriteTokens: calls * 100,
});

describe('GET /usage', () => {
  it("reports this month's tokens by kind and cost of the caller's tenant against its limits, by request type", async () => {
    const response = await api.call('GET', '/usage', { token: user });

    expect(response.status).toBe(200);
    expect(response.json.tokens).toEqual({
      used: 4000,
      limit: 5_000_000,
      percent: 0.1,
      inputTokens: 3000,
      outputTokens: 1000,
      cacheReadTokens: 200,
      cacheWriteTokens: 100,
    });
    expect(response.json.cost).toEqual({ usedUsd: 0.024435, limitUsd: 100, percent: 0 });
    expect(response.json.byRequestType.insights).toEqual({ ...generations(1), costUsd: 0.024435 });
    // Only the request types used this month are listed (each capability names its own type).
    expect(Object.keys(response.json.byRequestType)).toEqual(['insights']);
    expect(response.json.resetsAt).toMatch(/-01T00:00:00.000Z$/);
  });

  it("projects the month's end at its daily pace: month-to-date over the days begun, times the month's days", async () => {
    const { json } = await api.call('GET', '/usage', { token: user });

    const { elapsedDays, daysInMonth } = json.projection;
    expect(elapsedDays).toBe(now.getUTCDate());
    expect(daysInMonth).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate());
    expect(json.projection).toEqual({
      tokens: Math.round((4000 / elapsedDays) * daysInMonth),
      costUsd: Math.round((24_435 / elapsedDays) * daysInMonth) / 1_000_000,
      exceedsBudget: false,
      elapsedDays,
      daysInMonth,
    });
  });

  it('reports an earlier month of the tenant with ?month=, and refuses a later one', async () => {
    const earlier = await api.call('GET', `/usage?month=${lastMonth}`, { token: user });
    const later = await api.call('GET', `/usage?month=${nextMonth}`, { token: user });

    expect(earlier.status).toBe(200);
    expect(earlier.json).toMatchObject({
      month: lastMonth,
      resetsAt: `${thisMonth}-01T00:00:00.000Z`,
      tokens: { used: 0 },
      byRequestType: {},
      projection: { tokens: 0, exceedsBudget: false },
    });
    expect(later.status).toBe(400);
    expect(later.json.error.details.problems).toEqual([{ field: 'query.month', message: 'is after this month' }]);
  });
});

describe('admin usage reports', () => {
  it('groups one tenant by day, and all tenants by model (with its family), by family and by request type', async () => {
    const byDay = await api.call('GET', `/admin/usage?tenantId=${TENANT}&from=${today}&to=${today}`, { token: admin });
    const byModel = await api.call('GET', `/admin/usage?groupBy=model&from=${today}&to=${today}`, { token: admin });
    const byType = await api.call('GET', `/admin/usage?groupBy=requestType`, { token: admin });
    const byFamily = await api.call('GET', `/admin/usage?groupBy=family&from=${today}&to=${today}`, { token: admin });

    expect(byDay.json.rows).toEqual([{ key: today, ...generations(1), costUsd: 0.024435 }]);
    expect(byModel.json.rows).toEqual([
      { key: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', family: 'anthropic', ...generations(2), costUsd: 0.04887 },
    ]);
    expect(byFamily.json.rows).toEqual([{ key: 'anthropic', ...generations(2), costUsd: 0.04887 }]);
    expect(byType.json.rows).toEqual([{ key: 'insights', ...generations(2), costUsd: 0.04887 }]);
    expect(byType.json.totals).toEqual({ ...generations(2), costUsd: 0.04887 });
  });

  it('exports the report as a CSV attachment for a spreadsheet, one row per group', async () => {
    const response = await api.call('GET', `/admin/usage?groupBy=requestType&from=${today}&to=${today}&format=csv`, {
      token: admin,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="usage-${today}-to-${today}-all-tenants-by-requestType.csv"; ` +
        `filename*=UTF-8''usage-${today}-to-${today}-all-tenants-by-requestType.csv`,
    );
    expect(response.text).toBe(
      'tenantId,requestType,calls,tokens,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,costUsd\r\n' +
        '(all),insights,2,8000,6000,2000,400,200,0.04887\r\n',
    );
  });

  it('ranks the tenants of a month by cost', async () => {
    const response = await api.call('GET', '/admin/usage/top-tenants?limit=5', { token: admin });

    expect(response.json.tenants.map((tenant: { tenantId: string }) => tenant.tenantId)).toEqual(
      expect.arrayContaining([TENANT, OTHER]),
    );
    expect(response.json.tenants[0]).toMatchObject({ calls: 1, tokens: 4000 });
  });
});

describe('tenant limits', () => {
  const limitsOf = (tenantId: string) => api.call('GET', `/admin/tenants/${tenantId}/limits`, { token: admin });
  const putLimits = (tenantId: string, body: Record<string, unknown>) =>
    api.call('PUT', `/admin/tenants/${tenantId}/limits`, { token: admin, body: JSON.stringify(body) });

  it('overrides a limit, keeps the rest at their defaults, and serves the rules from the very next call once the budget is spent', async () => {
    const before = await limitsOf(TENANT);
    const put = await putLimits(TENANT, { monthlyTokenBudget: 4000 });
    const refreshed = await api.refreshedInsights(user);
    const usage = await api.call('GET', '/usage', { token: user });
    const after = await limitsOf(TENANT);

    expect(before.json).toMatchObject({ override: null, limits: { monthlyTokenBudget: 5_000_000 } });
    expect(put.json.limits).toEqual({ monthlyTokenBudget: 4000, monthlyCostBudgetUsd: 100, userRequestsPerMinute: 30 });
    expect(put.json.override).toEqual({ monthlyTokenBudget: 4000 });
    // Only what was set is stored: the defaults the caller never sent are not pinned.
    expect(after.json.override).toEqual({ monthlyTokenBudget: 4000 });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.provenance).toMatchObject({ outcome: 'fallback', reason: 'usage_limit_exceeded' });
    expect(refreshed.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
    expect(usage.json.tokens).toMatchObject({ used: 4000, limit: 4000, percent: 100 });
  });

  it('keeps every limit of concurrent PUTs that name different limits', async () => {
    const tenants = ['race-1', 'race-2', 'race-3'];

    await Promise.all(
      tenants.flatMap((tenantId) => [
        putLimits(tenantId, { monthlyTokenBudget: 7000 }),
        putLimits(tenantId, { monthlyCostBudgetUsd: 7 }),
        putLimits(tenantId, { userRequestsPerMinute: 7 }),
      ]),
    );

    for (const tenantId of tenants) {
      expect((await limitsOf(tenantId)).json.override).toEqual({
        monthlyTokenBudget: 7000,
        monthlyCostBudgetUsd: 7,
        userRequestsPerMinute: 7,
      });
    }
  });

  it('clears a limit set to null, and the whole override with DELETE', async () => {
    await putLimits('clearing', { monthlyTokenBudget: 7000, userRequestsPerMinute: 7 });

    const cleared = await putLimits('clearing', { monthlyTokenBudget: null });
    const deleted = await api.call('DELETE', '/admin/tenants/clearing/limits', { token: admin });
    const after = await limitsOf('clearing');

    expect(cleared.status).toBe(200);
    expect(cleared.json.override).toEqual({ userRequestsPerMinute: 7 });
    expect(cleared.json.limits).toMatchObject({ monthlyTokenBudget: 5_000_000, userRequestsPerMinute: 7 });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(after.json).toMatchObject({ override: null, limits: after.json.defaults });
  });

  it('names every limit out of its range in one 400', async () => {
    const response = await putLimits(TENANT, {
      monthlyTokenBudget: 1e13,
      monthlyCostBudgetUsd: 1e200,
      userRequestsPerMinute: 10_001,
    });

    expect(response.status).toBe(400);
    expect(response.json.error.details.problems).toEqual([
      { field: 'body.monthlyTokenBudget', message: 'must be at most 1,000,000,000,000' },
      { field: 'body.monthlyCostBudgetUsd', message: 'must be at most 1,000,000' },
      { field: 'body.userRequestsPerMinute', message: 'must be at most 10,000' },
    ]);
    expect((await limitsOf(TENANT)).json.override).toEqual({ monthlyTokenBudget: 4000 });
  });
});

describe('access and bad input', () => {
  const adminRoutes = (Object.entries(routes) as [string, RouteDefinition][]).filter(
    ([, route]) =>
      route.auth !== 'user' && (route.path.startsWith('/admin/usage') || route.path.startsWith('/admin/tenants')),
  );

  it.each(adminRoutes)('%s answers 403 to a non-admin', async (_name, route) => {
    const response = await api.call(route.method, route.path.replace('{id}', TENANT), {
      token: user,
      ...(route.method === 'PUT' ? { body: '{"monthlyTokenBudget": 1}' } : {}),
    });

    expect(response.status).toBe(403);
  });

  it.each([
    ['GET', '/admin/usage?groupBy=week', undefined],
    ['GET', '/admin/usage?from=2026-11-31', undefined],
    ['GET', '/admin/usage?from=2026-11-20&to=2026-11-01', undefined],
    ['GET', '/admin/usage?from=2026-01-01&to=2026-11-01', undefined],
    ['GET', '/admin/usage?tenantId=a%20b', undefined],
    ['GET', '/admin/usage/top-tenants?month=2026-13', undefined],
    ['GET', '/admin/usage/top-tenants?limit=1e3', undefined],
    ['GET', '/admin/usage/top-tenants?limit=2.5', undefined],
    ['GET', '/admin/usage?format=xml', undefined],
    ['GET', '/usage?month=2026-1', undefined],
    ['GET', '/usage?month=2026-00', undefined],
    ['GET', '/usage?from=2026-11-01', undefined],
    ['GET', '/admin/usage/top-tenants?limit=0', undefined],
    ['GET', '/admin/tenants/a%23b/limits', undefined],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"monthlyTokenBudget": -5}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"monthlyTokenBudget": "lots"}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"dailyBudget": 10}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"userRequestsPerMinute": 0}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"userRequestsPerMinute": null, "monthlyCostBudgetUsd": -0.01}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"monthlyCostBudgetUsd": 1e400}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"monthlyTokenBudget": 1.5}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, 'not json'],
  ])('%s %s %s is a 400', async (method, path, body) => {
    const response = await api.call(method, path, {
      token: admin,
      ...(body === undefined ? {} : { body }),
    });

    expect(response.status).toBe(400);
    expect(typeof response.json.error.code).toBe('string');
  });
});
