import { generateKeyPair, SignJWT } from 'jose';
import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../../local/dev-jwt';
import { openApiDocument } from '../../../local/openapi';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/local-api';

const TENANT = 'northwind-saas';
let api: TestApi;
let token: string;
let platformAdminToken: string;
/** The token a route accepts: a platform admin's for admin routes (they may act on any tenant). */
const tokenFor = (route: RouteDefinition): string => (route.auth === 'user' ? token : platformAdminToken);

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules', MAX_BODY_BYTES: '2048' });
  token = await api.token(TENANT);
  platformAdminToken = await api.token(TENANT, 'admin-1', 'platform-admin');
  await api.call('GET', '/insights', { token });
});

afterAll(async () => {
  await api.close();
});

const protectedRoutes = (Object.entries(routes) as [string, RouteDefinition][]).filter(
  ([, route]) => route.auth !== 'none',
);
const concretePath = (route: RouteDefinition): string =>
  route.path
    .replace('{id}', 'abc123')
    .replace('{topic}', 'insights_generation')
    .replace('{version}', 'v1.0')
    .replace('{label}', 'staging');

/** A 4xx with the JSON error body and no stack trace. */
const expectClientError = (response: ApiResponse, status: number): void => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(typeof response.json.error.code).toBe('string');
  expect(typeof response.json.error.message).toBe('string');
  expect(response.text).not.toMatch(/at .+\.(ts|js):\d+/);
};

const sign = async (
  claims: Record<string, unknown>,
  options: { issuer?: string; audience?: string; expiresIn?: string | number } = {},
) => {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'dev-key-1' })
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(privateKey);
};

describe.each(protectedRoutes)('%s rejects bad credentials', (_name, route) => {
  it('without a token: 401', async () => {
    expectClientError(await api.call(route.method, concretePath(route)), 401);
  });

  it('with a malformed token: 401', async () => {
    expectClientError(await api.call(route.method, concretePath(route), { token: 'not.a.jwt' }), 401);
  });

  it('with a token signed by another key: 401', async () => {
    const forged = await sign({ sub: 'u', tenant_id: TENANT });
    expectClientError(await api.call(route.method, concretePath(route), { token: forged }), 401);
  });

  it('with an expired token: 401', async () => {
    const expired = await api.stack.mintToken({ tenantId: TENANT, expiresIn: '-1m' });
    expectClientError(await api.call(route.method, concretePath(route), { token: expired }), 401);
  });
});

describe('claims', () => {
  it('rejects a valid token without a tenant claim', async () => {
    const noTenant = await api.stack.mintToken({ tenantId: TENANT, tenantClaim: 'org' });

    expectClientError(await api.call('GET', '/insights', { token: noTenant }), 401);
  });

  it('rejects a tenant claim that is not a safe id', async () => {
    const odd = await api.stack.mintToken({ tenantId: 'a#b c' });

    expectClientError(await api.call('GET', '/insights', { token: odd }), 401);
  });
});

describe('GET /insights query validation', () => {
  it.each([
    ['?page=2'],
    ['?cursor='],
    ['?page_size=0'],
    ['?page_size=101'],
    ['?pageSize=1000'],
    ['?page_size=ten'],
    ['?category=sales'],
    ['?category=STRATEGY'],
    ['?priority=urgent'],
    ['?status=deleted'],
    ['?unknown=1'],
  ])('%s is a 400 naming the field', async (query) => {
    const response = await api.call('GET', `/insights${query}`, { token });

    expectClientError(response, 400);
    expect(response.json.error.code).toBe('validation_error');
    expect(response.json.error.details.problems[0].field).toMatch(/^query\./);
  });
});

describe('query messages a client can act on', () => {
  it.each([
    ['?page_size=101', 'query.page_size', 'must be at most 100'],
    ['?page_size=0', 'query.page_size', 'must be at least 1'],
    ['?page_size=1e300', 'query.page_size', 'must be at most 100'],
    ['?page_size=1.5', 'query.page_size', 'must be a whole number'],
    ['?category=sales', 'query.category', 'must be one of: strategy, operations, finance, marketing, leadership'],
    ['?priority=urgent', 'query.priority', 'must be one of: low, medium, high, critical'],
    ['?status=deleted', 'query.status', 'must be one of: active, dismissed, acknowledged, all'],
  ])('GET /insights%s: %s %s', async (query, field, message) => {
    const response = await api.call('GET', `/insights${query}`, { token });

    expectClientError(response, 400);
    expect(response.json.error.details.problems).toEqual([{ field, message }]);
  });

  it('names the allowed parameters when a key is not one of them', async () => {
    const response = await api.call('GET', '/insights?unknown=1', { token });

    expectClientError(response, 400);
    expect(response.json.error.details.problems).toEqual([
      {
        field: 'query.unknown',
        message: expect.stringMatching(/^is not allowed; the allowed parameters are .*page_size/),
      },
    ]);
  });

  it.each(['/health', '/openapi.json'])('applies the same rule to the public route %s', async (path) => {
    const ignored = await api.call('GET', `${path}?_=1733011200000`);
    const unknown = await api.call('GET', `${path}?verbose=1`);

    expect(ignored.status).toBe(200);
    expectClientError(unknown, 400);
    expect(unknown.json.error.details.problems).toEqual([
      { field: 'query.verbose', message: 'is not allowed; this takes no parameters' },
    ]);
  });

  it('rejects __proto__ like any other unknown key (it does not vanish into the prototype)', async () => {
    const response = await api.call('GET', '/insights?__proto__=1', { token });

    expectClientError(response, 400);
    expect(response.json.error.details.problems).toEqual([{ field: 'query.__proto__', message: expect.any(String) }]);
  });
});

describe('cursors', () => {
  const encoded = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const document = openApiDocument('test') as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  };
  const takesCursor = (route: RouteDefinition): boolean =>
    (document.paths[route.path]?.[route.method.toLowerCase()]?.parameters ?? []).some(
      (parameter) => parameter.in === 'query' && parameter.name === 'cursor',
    );
  const listRoutes = protectedRoutes.filter(([, route]) => !route.params && takesCursor(route));

  it('covers every list route', () => {
    expect(listRoutes.map(([, route]) => route.path).sort()).toEqual([
      '/admin/batch/tenants',
      '/admin/tickets',
      '/analyses',
      '/conversations',
      '/insights',
    ]);
  });

  it.each(listRoutes)('%s answers a garbage or crafted cursor with 400 invalid_cursor', async (_name, route) => {
    for (const cursor of ['garbage', encoded({ pk: `TENANT#${TENANT}`, sk: 'x' }), encoded({ offset: 1 })]) {
      const response = await api.call('GET', `${route.path}?cursor=${cursor}`, { token: tokenFor(route) });

      expectClientError(response, 400);
      expect(response.json.error.code).toBe('invalid_cursor');
    }
  });

  it("does not page tenant B with tenant A's cursor", async () => {
    const first = await api.call('GET', '/insights?page_size=1', { token });
    const other = await api.token('acme-plumbing');

    const borrowed = await api.call('GET', `/insights?page_size=1&cursor=${first.json.cursor}`, { token: other });

    expect(first.json.cursor).toEqual(expect.any(String));
    expectClientError(borrowed, 400);
    expect(borrowed.json.error.code).toBe('invalid_cursor');
  });
});

/** A body each route's method can carry, so that the query is what a request is judged on. */
const bodyFor = (route: RouteDefinition): { body?: string } => (route.method === 'GET' ? {} : { body: '{}' });

describe.each(protectedRoutes)('%s treats query keys like every route', (_name, route) => {
  it('ignores the cache-buster `_`', async () => {
    const response = await api.call(route.method, `${concretePath(route)}?_=1733011200000`, {
      token: tokenFor(route),
      ...bodyFor(route),
    });

    expect(JSON.stringify(response.json?.error?.details ?? [])).not.toContain('query._');
  });

  it('rejects a key it does not declare with 400, naming the key', async () => {
    const response = await api.call(route.method, `${concretePath(route)}?no_such_key=1`, {
      token: tokenFor(route),
      ...bodyFor(route),
    });

    expectClientError(response, 400);
    expect(response.json.error.code).toBe('validation_error');
    expect(response.json.error.details.problems).toContainEqual({
      field: 'query.no_such_key',
      message: expect.any(String),
    });
  });
});

describe('path and body validation', () => {
  it.each([['/insights/%E2%9C%93/dismiss'], [`/insights/${'x'.repeat(65)}/acknowledge`]])(
    '%s has an invalid id: 400',
    async (path) => {
      expectClientError(await api.call('POST', path, { token }), 400);
    },
  );

  it.each(protectedRoutes.filter(([, route]) => route.method !== 'GET'))(
    '%s rejects a body that is not JSON',
    async (_name, route) => {
      const response = await api.call(route.method, concretePath(route), { token: tokenFor(route), body: '{not json' });

      expectClientError(response, 400);
      expect(response.json.error.code).toBe('malformed_body');
    },
  );

  describe.each(protectedRoutes.filter(([, route]) => route.body !== undefined))(
    '%s takes JSON only, streaming or not',
    (_name, route) => {
      const post = (headers: Record<string, string>) =>
        fetch(`${api.stack.url}${concretePath(route)}`, {
          method: route.method,
          headers: { authorization: `Bearer ${tokenFor(route)}`, ...headers },
          // Bytes, so fetch adds no content-type of its own.
          body: new TextEncoder().encode('{"message": "hi"}'),
        });

      it.each([[{ 'content-type': 'text/plain' }], [{}]])('answers %j with 400 malformed_body', async (headers) => {
        const response = await post(headers);

        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('malformed_body');
      });
    },
  );

  it.each(protectedRoutes.filter(([, route]) => route.method !== 'GET'))(
    '%s rejects an oversized body with 413',
    async (_name, route) => {
      const response = await api.call(route.method, concretePath(route), {
        token: tokenFor(route),
        body: JSON.stringify({ padding: 'x'.repeat(5000) }),
      });

      expectClientError(response, 413);
    },
  );

  it.each([
    ['POST', '/insights/%ZZ/dismiss'],
    ['GET', '/conversations/%E0%A4%A'],
    ['POST', '/conversations/%E0%A4%A/messages/stream'],
  ])('%s %s has a malformed escape in its path: 400 invalid_path', async (method, path) => {
    const response = await api.call(method, path, { token, ...(method === 'GET' ? {} : { body: '{"message":"hi"}' }) });

    expectClientError(response, 400);
    expect(response.json.error.code).toBe('invalid_path');
  });

  it.each([
    ['1e400', 'Infinity once parsed'],
    ['1e200', 'beyond what DynamoDB stores'],
    ['1e-200', 'below what DynamoDB stores'],
  ])('rejects a body number %s (%s) with 400 naming its field, wherever it is', async (number) => {
    const body = `{"topic": "insights_generation", "version": "v9.9", "metadata": {"weight": ${number}}}`;

    const response = await api.call('POST', '/admin/prompts/insights_generation/versions', {
      token: platformAdminToken,
      body,
    });

    expectClientError(response, 400);
    expect(response.json.error.details.problems).toEqual([
      { field: 'body.metadata.weight', message: expect.stringMatching(/^is out of range/) },
    ]);
  });

  it('answers an unknown route with a JSON 404', async () => {
    expectClientError(await api.call('GET', '/insights/abc/unknown', { token }), 404);
  });
});
