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
  api = await startTestApiWithModel({ INSIGHTS_REFRESH_COOLDOWN_SECONDS: '0', USAGE_LIMITS_CACHE_SECONDS: '0' });
  api.bedrock.setDefault(() => ({ toolInput: goodAnswer(), usage: { inputTokens: 3000, outputTokens: 1000 } }));
  admin = await api.token('platform', 'admin-1', 'platform-admin');
  user = await api.token(TENANT);
  await api.refreshedInsights(user);
  await api.refreshedInsights(await api.token(OTHER));
});

afterAll(async () => {
  await api.close();
});

const today = new Date().toISOString().slice(0, 10);

describe('GET /usage', () => {
  it("reports this month's tokens and cost of the caller's tenant against its limits, by request type", async () => {
    const response = await api.call('GET', '/usage', { token: user });

    expect(response.status).toBe(200);
    expect(response.json.tokens).toEqual({ used: 4000, limit: 5_000_000, percent: 0.1 });
    expect(response.json.cost).toEqual({ usedUsd: 0.024, limitUsd: 100, percent: 0 });
    expect(response.json.byRequestType.insights).toEqual({ calls: 1, tokens: 4000, costUsd: 0.024 });
    // Only the request types used this month are listed (each capability names its own type).
    expect(Object.keys(response.json.byRequestType)).toEqual(['insights']);
    expect(response.json.resetsAt).toMatch(/-01T00:00:00.000Z$/);
  });
});

describe('admin usage reports', () => {
  it('groups one tenant by day, and all tenants by model and by request type', async () => {
    const byDay = await api.call('GET', `/admin/usage?tenantId=${TENANT}&from=${today}&to=${today}`, { token: admin });
    const byModel = await api.call('GET', `/admin/usage?groupBy=model&from=${today}&to=${today}`, { token: admin });
    const byType = await api.call('GET', `/admin/usage?groupBy=requestType`, { token: admin });

    expect(byDay.json.rows).toEqual([{ key: today, calls: 1, tokens: 4000, costUsd: 0.024 }]);
    expect(byModel.json.rows).toEqual([
      { key: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', calls: 2, tokens: 8000, costUsd: 0.048 },
    ]);
    expect(byType.json.rows).toEqual([{ key: 'insights', calls: 2, tokens: 8000, costUsd: 0.048 }]);
    expect(byType.json.totals).toEqual({ calls: 2, tokens: 8000, costUsd: 0.048 });
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
  it('overrides some limits, keeps the rest at their defaults, and serves the rules when the budget is spent', async () => {
    const before = await api.call('GET', `/admin/tenants/${TENANT}/limits`, { token: admin });
    const put = await api.call('PUT', `/admin/tenants/${TENANT}/limits`, {
      token: admin,
      body: JSON.stringify({ monthlyTokenBudget: 4000 }),
    });
    const refreshed = await api.refreshedInsights(user);
    const usage = await api.call('GET', '/usage', { token: user });

    expect(before.json).toMatchObject({ override: null, limits: { monthlyTokenBudget: 5_000_000 } });
    expect(put.json.limits).toEqual({ monthlyTokenBudget: 4000, monthlyCostBudgetUsd: 100, userRequestsPerMinute: 30 });
    expect(put.json.override).toEqual({ monthlyTokenBudget: 4000 });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.provenance).toMatchObject({ outcome: 'fallback', reason: 'usage_limit_exceeded' });
    expect(refreshed.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
    expect(usage.json.tokens).toMatchObject({ used: 4000, limit: 4000, percent: 100 });
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
    ['GET', '/admin/usage/top-tenants?limit=0', undefined],
    ['GET', '/admin/tenants/a%23b/limits', undefined],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"monthlyTokenBudget": -5}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"monthlyTokenBudget": "lots"}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"dailyBudget": 10}'],
    ['PUT', `/admin/tenants/${TENANT}/limits`, '{"userRequestsPerMinute": 0}'],
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
