import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as z from '../../../functions/shared/zod';
import { issuerKeys } from '../../../functions/shared/http/jwt';
import { defineRoute } from '../../../functions/shared/http/route';
import { streamRoute } from '../../../functions/shared/http/stream-route';
import { listen } from '../../../local/listen';
import { callFunctionUrl } from '../../support/function-url';
import { startIdentityProvider, type IdentityProvider } from '../../support/identity-provider';

/**
 * The streaming functions find the issuer's keys as API Gateway does: at the `jwks_uri` of the issuer's OIDC
 * discovery document, here a path of the identity provider's own (not `/.well-known/jwks.json`), read once per process.
 */
const KEYS_PATH = '/oauth2/v3/certs';

const route = defineRoute({
  method: 'POST',
  path: '/things/{id}/stream',
  handler: 'test/integration/http/issuer-discovery.test.ts',
  auth: 'user',
  transport: 'stream',
  summary: 'A streaming route verifying its own tokens',
  tag: 'test',
  params: z.object({ id: z.string() }),
  body: z.object({ message: z.string() }),
  response: { status: 200, schema: z.object({}) },
  grants: {},
});

let identityProvider: IdentityProvider;
let signingKey: CryptoKey;
const handler = streamRoute(route, 'done', async ({ params, invocation }) => ({
  id: params.id,
  tenantId: invocation.caller.tenantId,
}));

beforeAll(async () => {
  identityProvider = await startIdentityProvider(KEYS_PATH);
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  signingKey = privateKey;
  identityProvider.publish({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
  // As the stack configures the function: the issuer and audiences, no JWKS_URL.
  process.env.JWT_ISSUER = identityProvider.issuer;
  process.env.JWT_AUDIENCE = 'web-client';
  delete process.env.JWKS_URL;
});

afterAll(() => identityProvider.close());

const tokenFrom = (issuer: string, key: CryptoKey = signingKey): Promise<string> =>
  new SignJWT({ tenant_id: 'acme-plumbing', client_id: 'web-client' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('user-1')
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

const call = async (token: string) =>
  callFunctionUrl(handler, {
    method: 'POST',
    path: '/things/t-1/stream',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ message: 'hi' }),
  });

describe('a streaming function configured with JWT_ISSUER only', () => {
  it("verifies tokens with the keys at the discovery document's jwks_uri, reading the document once", async () => {
    const token = await tokenFrom(identityProvider.issuer);

    const first = await call(token);
    const second = await call(token);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toContain('"tenantId":"acme-plumbing"');
    expect(identityProvider.requests.filter((path) => path.endsWith('/openid-configuration'))).toEqual([
      '/issuer/.well-known/openid-configuration',
    ]);
    expect(identityProvider.requests).toContain(KEYS_PATH);
    expect(identityProvider.requests).not.toContain('/issuer/.well-known/jwks.json');
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const { privateKey } = await generateKeyPair('RS256');

    expect((await call(await tokenFrom(identityProvider.issuer, privateKey))).status).toBe(401);
  });
});

describe('issuerKeys', () => {
  it('fails, naming the document, when the issuer serves no discovery document', async () => {
    const issuer = `${new URL(identityProvider.issuer).origin}/nobody`;

    await expect(issuerKeys(issuer)).rejects.toThrow(
      `The issuer's discovery document ${issuer}/.well-known/openid-configuration answered 404`,
    );
  });

  it('fails when the discovery document names no key set', async () => {
    const server = createServer((_request, response) => response.end(JSON.stringify({ issuer: 'elsewhere' })));
    await listen(server, 0, '127.0.0.1');
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await expect(issuerKeys(issuer)).rejects.toThrow(
      `The issuer's discovery document ${issuer}/.well-known/openid-configuration names no usable jwks_uri`,
    );
    server.close();
  });
});
