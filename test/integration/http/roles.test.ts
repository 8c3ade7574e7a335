import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import * as z from '../../../functions/shared/zod';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/local-api';

const TENANT = 'acme-plumbing';
const OTHER = 'northwind-saas';
/** A well-formed ticket id no tenant has. */
const NO_SUCH_TICKET = '20261202170000000-00000000';
/** The service's own token for the .NET APIs locally (StaticTokenProvider). */
const SERVICE_TOKEN = 'service-token-of-the-roles-test';
let api: TestApi;
let user: string;
let tenantAdmin: string;
let platformAdmin: string;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules', BUSINESS_API_DEV_TOKEN: SERVICE_TOKEN });
  user = await api.token(TENANT);
  tenantAdmin = await api.token(TENANT, 'boss', 'admin');
  platformAdmin = await api.token('platform', 'ops-1', 'platform-admin');
});

afterAll(async () => {
  await api.close();
});

const rows = Object.entries(routes) as [string, RouteDefinition][];
const withAuth = (auth: RouteDefinition['auth']) => rows.filter(([, route]) => route.auth === auth);

/**
 * Calls a route for a tenant (its `{id}`, or the query parameter its access rule names), with an empty JSON body where
 * it takes one.
 */
const callFor = (route: RouteDefinition, tenantId: string, token: string): Promise<ApiResponse> =>
  api.call(
    route.method,
    route.tenantQuery === undefined
      ? route.path
          .replace('{id}', tenantId)
          .replace('{topic}', 'insights_generation')
          .replace('{version}', 'v1.0')
          .replace('{label}', 'staging')
          .replace('{runId}', 'no-such-run')
      : `${route.path.replace('{id}', NO_SUCH_TICKET)}?${route.tenantQuery}=${tenantId}`,
    {
      token,
      ...(route.method === 'PATCH' ? { body: '{"status":"closed"}' } : {}),
      ...(route.method === 'POST' || route.method === 'PUT' ? { body: '{}' } : {}),
    },
  );

/** What an admin's call that passes the access rule answers: 200, or 404 on one of the tenant's tickets (none is there). */
const allowed = (route: RouteDefinition): number =>
  route.tenantQuery !== undefined && route.path.includes('{id}') ? 404 : 200;

const forbidden = (message: string) => ({ error: { code: 'forbidden', message } });

describe('the route table', () => {
  it('puts every /admin route behind an admin role', () => {
    const adminPaths = rows.filter(([, route]) => route.path.startsWith('/admin/'));

    expect(adminPaths.length).toBeGreaterThan(0);
    for (const [, route] of adminPaths) expect(['admin', 'platform-admin']).toContain(route.auth);
  });

  it("names, on every tenant admin's route, the path parameter that holds the tenant, or its query parameter", () => {
    for (const [, route] of withAuth('admin')) {
      if (route.tenantQuery === undefined) expect(route.path).toContain(`{${route.tenantParam}}`);
      else expect(route.query && z.safeParse(route.query, { [route.tenantQuery]: TENANT }).success).toBe(true);
    }
  });
});

describe.each(withAuth('platform-admin'))('%s is for platform admins', (_name, route) => {
  it("answers 403 to a tenant's admin, even for their own tenant, and to a user", async () => {
    const [asTenantAdmin, asUser] = await Promise.all([
      callFor(route, TENANT, tenantAdmin),
      callFor(route, TENANT, user),
    ]);

    expect([asTenantAdmin.status, asUser.status]).toEqual([403, 403]);
    expect(asTenantAdmin.json).toEqual(forbidden('This operation is for platform administrators only'));
  });

  it('lets a platform admin of another tenant in', async () => {
    const response = await callFor(route, OTHER, platformAdmin);

    expect([401, 403]).not.toContain(response.status);
  });
});

describe.each(withAuth('admin'))("%s is for the tenant's admins and platform admins", (_name, route) => {
  it("lets a tenant's admin act on their own tenant, and answers 403 for another tenant", async () => {
    const [own, other] = await Promise.all([callFor(route, TENANT, tenantAdmin), callFor(route, OTHER, tenantAdmin)]);

    expect(own.status).toBe(allowed(route));
    expect(other.status).toBe(403);
    expect(other.json).toEqual(forbidden("A tenant's administrator may only act on their own tenant"));
  });

  it('answers 403 to a user of the tenant, and lets a platform admin act on any tenant', async () => {
    const [asUser, asPlatformAdmin] = await Promise.all([
      callFor(route, TENANT, user),
      callFor(route, OTHER, platformAdmin),
    ]);

    expect(asUser.json).toEqual(forbidden('This operation is for administrators only'));
    expect(asPlatformAdmin.status).toBe(allowed(route));
  });
});

describe("a tenant's admin and another tenant", () => {
  it('cannot zero its budget, read its usage or limits, preview prompts on its data, or put it in the nightly run', async () => {
    const attempts = await Promise.all([
      api.call('PUT', `/admin/tenants/${OTHER}/limits`, {
        token: tenantAdmin,
        body: JSON.stringify({ monthlyTokenBudget: 0, monthlyCostBudgetUsd: 0 }),
      }),
      api.call('GET', `/admin/tenants/${OTHER}/limits`, { token: tenantAdmin }),
      api.call('GET', `/admin/usage?tenantId=${OTHER}`, { token: tenantAdmin }),
      api.call('GET', '/admin/usage/top-tenants', { token: tenantAdmin }),
      api.call('POST', '/admin/prompts/insights_generation/versions/v1.0/preview', {
        token: tenantAdmin,
        body: JSON.stringify({ tenantId: OTHER }),
      }),
      api.call('PUT', `/admin/batch/tenants/${OTHER}`, { token: tenantAdmin }),
    ]);
    const limits = await api.call('GET', `/admin/tenants/${OTHER}/limits`, { token: platformAdmin });
    const registry = await api.call('GET', '/admin/batch/tenants?page_size=100', { token: platformAdmin });

    expect(attempts.map((attempt) => attempt.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(limits.json.override).toBeNull();
    expect(registry.json.items.map((entry: { tenantId: string }) => entry.tenantId)).not.toContain(OTHER);
  });
});

describe("a platform admin's prompt preview", () => {
  const preview = (tenantId: string, token: string): Promise<ApiResponse> =>
    api.call('POST', '/admin/prompts/insights_generation/versions/v1.0/preview', {
      token,
      body: JSON.stringify({ tenantId }),
    });
  /** What the demo .NET APIs received while `act` ran: the tenant header and the bearer token of each request. */
  const sentDuring = async (act: () => Promise<ApiResponse>) => {
    const demoApi = api.stack.demoApi;
    if (!demoApi) throw new Error('the test runtime has no demo business API');
    const before = demoApi.requests.length;
    const response = await act();
    const sent = demoApi.requests
      .slice(before)
      .map(({ headers }) => ({ tenant: headers['x-tenant-id'], authorization: headers.authorization }));
    return { response, sent };
  };

  it("reads another tenant's data with the service's own token, never forwarding the admin's", async () => {
    const { response, sent } = await sentDuring(() => preview(TENANT, platformAdmin));

    expect(response.status).toBe(200);
    expect(response.json.rendered.user).toContain('Acme Plumbing');
    expect(sent).toHaveLength(6);
    for (const request of sent) expect(request).toEqual({ tenant: TENANT, authorization: `Bearer ${SERVICE_TOKEN}` });
  });

  it("reads the admin's own tenant on their behalf, with their token", async () => {
    const ownTenantAdmin = await api.token(OTHER, 'ops-2', 'platform-admin');

    const { response, sent } = await sentDuring(() => preview(OTHER, ownTenantAdmin));

    expect(response.status).toBe(200);
    expect(sent).toHaveLength(6);
    for (const request of sent) expect(request).toEqual({ tenant: OTHER, authorization: `Bearer ${ownTenantAdmin}` });
  });
});
