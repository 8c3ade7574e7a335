import { generateKeyPair, SignJWT } from 'jose';
import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../../local/dev-jwt';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/local-api';

const TENANT = 'northwind-saas';
let api: TestApi;
let token: string;
let adminToken: string;
/** The token a route accepts: an admin's for admin routes. */
const tokenFor = (route: RouteDefinition): string => (route.auth === 'admin' ? adminToken : token);

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules', MAX_BODY_BYTES: '2048' });
  token = await api.token(TENANT);
  adminToken = await api.adminToken(TENANT);
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
    ['?page=0'],
    ['?page=-3'],
    ['?page=abc'],
    ['?page=1.5'],
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
    expect(response.json.error.details[0].field).toMatch(/^query\./);
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

  it('answers an unknown route with a JSON 404', async () => {
    expectClientError(await api.call('GET', '/insights/abc/unknown', { token }), 404);
  });
});
