import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules' });
  admin = await api.token('platform', 'admin-1', 'platform-admin');
});

afterAll(async () => {
  await api.close();
});

/** Every registered tenant, page by page. */
const registered = async (): Promise<string[]> => {
  const tenants: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `/admin/batch/tenants?page_size=100${cursor ? `&cursor=${cursor}` : ''}`, {
      token: admin,
    });
    tenants.push(...page.json.items.map((entry: { tenantId: string }) => entry.tenantId));
    cursor = page.json.cursor;
  } while (cursor);
  return tenants;
};

describe('the tenant registry of the nightly run', () => {
  it('adds a tenant the API serves, once a day, and keeps admin-added tenants until removed', async () => {
    await api.call('GET', '/insights', { token: await api.token('northwind-saas') });
    await api.call('GET', '/insights', { token: await api.token('northwind-saas') });
    const added = await api.call('PUT', '/admin/batch/tenants/new-tenant-1', { token: admin });

    const listed = await registered();
    const removed = await api.call('DELETE', '/admin/batch/tenants/new-tenant-1', { token: admin });
    const removedAgain = await api.call('DELETE', '/admin/batch/tenants/new-tenant-1', { token: admin });

    expect(added.json).toMatchObject({ tenantId: 'new-tenant-1', source: 'admin' });
    expect(listed).toEqual(expect.arrayContaining(['northwind-saas', 'new-tenant-1']));
    expect(listed.filter((tenant) => tenant === 'northwind-saas')).toHaveLength(1);
    expect(removed.status).toBe(204);
    expect(removedAgain.status).toBe(404);
    expect(await registered()).not.toContain('new-tenant-1');
  });

  it('pages the registry with a cursor', async () => {
    for (const tenant of ['page-a', 'page-b', 'page-c'])
      await api.call('PUT', `/admin/batch/tenants/${tenant}`, { token: admin });

    const first = await api.call('GET', '/admin/batch/tenants?page_size=2', { token: admin });
    const second = await api.call('GET', `/admin/batch/tenants?page_size=2&cursor=${first.json.cursor}`, {
      token: admin,
    });

    expect(first.json).toMatchObject({ pageSize: 2, cursor: expect.any(String) });
    expect(first.json.items).toHaveLength(2);
    expect(second.json.items.map((entry: { tenantId: string }) => entry.tenantId)).not.toEqual(
      first.json.items.map((entry: { tenantId: string }) => entry.tenantId),
    );
  });

  it('answers a garbage or crafted cursor with 400 invalid_cursor, never a 500 or a page', async () => {
    const encoded = (key: object): string => Buffer.from(JSON.stringify(key)).toString('base64url');
    const crafted = [
      encoded({ pk: 'TENANT#acme-plumbing', sk: 'INSIGHTS#CURRENT' }),
      encoded({ pk: 'REGISTRY', sk: 'TENANT#page-a' }),
    ];

    const results = await Promise.all(
      ['garbage', ...crafted, '%7B%7D'].map((cursor) =>
        api.call('GET', `/admin/batch/tenants?cursor=${cursor}`, { token: admin }),
      ),
    );

    expect(results.map((result) => result.status)).toEqual([400, 400, 400, 400]);
    for (const result of results) {
      expect(result.json.error.code).toBe('invalid_cursor');
      expect(result.json.error.details.problems).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
    }
  });

  it("is for platform admins only (not even a tenant's admin, for their own tenant), and rejects bad ids and an unknown run", async () => {
    const user = await api.token('acme-plumbing');
    const tenantAdmin = await api.token('acme-plumbing', 'boss', 'admin');

    const results = await Promise.all([
      api.call('GET', '/admin/batch/tenants', { token: user }),
      api.call('PUT', '/admin/batch/tenants/x', { token: user }),
      api.call('PUT', '/admin/batch/tenants/acme-plumbing', { token: tenantAdmin }),
      api.call('DELETE', '/admin/batch/tenants/northwind-saas', { token: tenantAdmin }),
      api.call('GET', '/admin/batch/tenants', { token: tenantAdmin }),
      api.call('PUT', '/admin/batch/tenants/a%20b', { token: admin }),
      api.call('GET', '/admin/batch/tenants?page_size=0', { token: admin }),
      api.call('GET', '/admin/batch/runs/no-such-run', { token: admin }),
    ]);

    expect(results.map((result) => result.status)).toEqual([403, 403, 403, 403, 403, 400, 400, 404]);
  });
});
