import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { startTestApi, type TestApi } from '../../support/local-api';

const TENANT = 'northwind-saas';
const DEPTH = 10_000;
let api: TestApi;
let token: string;
let platformAdminToken: string;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules' });
  token = await api.token(TENANT);
  platformAdminToken = await api.token(TENANT, 'admin-1', 'platform-admin');
});

afterAll(async () => {
  await api.close();
});

const routesWithBodies = (Object.entries(routes) as [string, RouteDefinition][]).filter(
  ([, route]) => route.auth !== 'none' && route.method !== 'GET',
);
const concretePath = (route: RouteDefinition): string =>
  route.path
    .replace('{id}', 'abc123')
    .replace('{messageId}', 'm1')
    .replace('{jobId}', 'j1')
    .replace('{topic}', 'insights_generation')
    .replace('{version}', 'v1.0')
    .replace('{label}', 'staging');

/** `{"topic":` and 10,000 `[`, closed (valid JSON) or left open (as the probe sent it). */
const deepBodies = [
  ['closed', `{"topic":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`],
  ['left open', `{"topic":${'['.repeat(DEPTH)}`],
] as const;

describe.each(routesWithBodies)('%s', (_name, route) => {
  it.each(deepBodies)('answers a body nested 10,000 levels deep (%s) with 400 body_too_deep', async (_kind, body) => {
    const response = await api.call(route.method, concretePath(route), {
      token: route.auth === 'user' ? token : platformAdminToken,
      body,
    });

    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({
      code: 'body_too_deep',
      message: 'The JSON body nests deeper than 64 levels',
    });
  });
});
