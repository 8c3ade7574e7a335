import { importJWK, SignJWT } from 'jose';
import { routes } from '../../../functions/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevKeys } from '../../../local/dev-jwt';
import { callFunctionUrl, streamHandlerOf } from '../../support/function-url';
import { startIdentityProvider, type IdentityProvider } from '../../support/identity-provider';
import { startTestApi, type TestApi } from '../../support/local-api';

const TENANT = 'brightside-dental';
let api: TestApi;
let identityProvider: IdentityProvider;
/** Signed with the dev key, for the dev issuer and audience: valid in every way but that it never expires. */
let forever: string;
/** The same claims with an expiry. */
let expiring: string;

beforeAll(async () => {
  // The streaming function verifies tokens itself against the issuer's JWKS, as it does behind a Function URL.
  identityProvider = await startIdentityProvider();
  api = await startTestApi({
    LLM_PROVIDER: 'rules',
    JWKS_URL: identityProvider.jwksUrl,
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
  });
  identityProvider.publish(api.stack.jwks);
  const { privateJwk } = await loadDevKeys(api.keyFile);
  const key = await importJWK(privateJwk, 'RS256');
  const token = () =>
    new SignJWT({ tenant_id: TENANT, 'cognito:groups': ['platform-admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid })
      .setSubject('user-1')
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt();
  forever = await token().sign(key);
  expiring = await token().setExpirationTime('1h').sign(key);
});

afterAll(async () => {
  await api.close();
  await identityProvider.close();
});

const protectedRoutes = (Object.entries(routes) as [string, RouteDefinition][]).filter(
  ([, route]) => route.auth !== 'none',
);
const pathOf = (route: RouteDefinition): string => route.path.replace(/\{\w+\}/g, 'abc123');

describe.each(protectedRoutes)('%s, through the local server (standing in for API Gateway)', (_name, route) => {
  it('answers 401 to a token without exp', async () => {
    const response = await api.call(route.method, pathOf(route), {
      token: forever,
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
    });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: { code: 'unauthorized', message: 'The bearer token has no expiry ("exp" claim)' },
    });
  });
});

describe('the same token with an expiry', () => {
  it('is served', async () => {
    expect((await api.call('GET', '/insights', { token: expiring })).status).toBe(200);
  });
});

describe.each(protectedRoutes.filter(([, route]) => route.transport === 'stream'))(
  '%s, called as its Function URL calls it (no authorizer in front)',
  (name, route) => {
    /** Invokes the streaming handler directly with a bearer token and returns the status it answered with. */
    const statusFor = async (token: string): Promise<number | undefined> => {
      const response = await callFunctionUrl(
        await streamHandlerOf(route),
        {
          method: route.method,
          path: pathOf(route),
          headers: { authorization: `Bearer ${token}` },
          body: JSON.stringify({ message: 'Hi' }),
        },
        name,
      );
      return response.status;
    };

    it('verifies the token itself and answers 401 to one without exp (and not to the same with one)', async () => {
      expect(await statusFor(forever)).toBe(401);
      expect(await statusFor(expiring)).not.toBe(401);
    });
  },
);
