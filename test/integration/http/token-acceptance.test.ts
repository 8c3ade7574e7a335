import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { conversations } from '../../../functions/conversations/routes';
import type { StreamLambdaHandler } from '../../../functions/shared/http/stream-route';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevKeys } from '../../../local/dev-jwt';
import { callFunctionUrl, streamHandlerOf } from '../../support/function-url';
import { startIdentityProvider, type IdentityProvider } from '../../support/identity-provider';
import { startTestApi, type TestApi } from '../../support/local-api';

/**
 * One rule for every way in: the same tokens through the dev server's stand-in for the API Gateway JWT authorizer (a
 * JSON route) and through the streaming function's own verification (as its Function URL calls it) are accepted, or
 * refused, alike, and as API Gateway would (`aud`, else `client_id`; `exp` required; `iss`; `nbf` and `iat`).
 */
const TENANT = 'northwind-saas';
const now = Math.floor(Date.now() / 1000);

/** The claims of each case, beside `tenant_id` and `sub`; `accepted` is what API Gateway's authorizer would do. */
const CASES: readonly { readonly name: string; readonly claims: JWTPayload; readonly accepted: boolean }[] = [
  { name: 'aud is the audience', claims: { aud: DEV_AUDIENCE }, accepted: true },
  { name: 'aud lists the audience among others', claims: { aud: ['billing', DEV_AUDIENCE] }, accepted: true },
  { name: 'aud is another audience', claims: { aud: 'billing' }, accepted: false },
  {
    name: 'no aud, client_id is the audience (Cognito access token)',
    claims: { client_id: DEV_AUDIENCE },
    accepted: true,
  },
  { name: 'no aud, client_id is another client', claims: { client_id: 'billing' }, accepted: false },
  {
    name: 'aud is another audience, client_id is the audience',
    claims: { aud: 'billing', client_id: DEV_AUDIENCE },
    accepted: false,
  },
  { name: 'neither aud nor client_id', claims: {}, accepted: false },
  { name: 'expired', claims: { aud: DEV_AUDIENCE, exp: now - 60 }, accepted: false },
  { name: 'no exp', claims: { aud: DEV_AUDIENCE, exp: undefined }, accepted: false },
  { name: 'another issuer', claims: { aud: DEV_AUDIENCE, iss: 'https://auth.example.com/other' }, accepted: false },
  { name: 'nbf still to come', claims: { aud: DEV_AUDIENCE, nbf: now + 600 }, accepted: false },
  { name: 'iat still to come', claims: { aud: DEV_AUDIENCE, iat: now + 600 }, accepted: false },
];

let api: TestApi;
let identityProvider: IdentityProvider;
let streamHandler: StreamLambdaHandler;
const tokens = new Map<string, string>();

beforeAll(async () => {
  identityProvider = await startIdentityProvider();
  api = await startTestApi({
    LLM_PROVIDER: 'rules',
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
    // The dev issuer's URL is not served; its keys are, at the stand-in's key set.
    JWKS_URL: identityProvider.jwksUrl,
  });
  identityProvider.publish(api.stack.jwks);
  streamHandler = await streamHandlerOf(conversations.routes.streamConversationReply);
  const { privateJwk } = await loadDevKeys(api.keyFile);
  const key = await importJWK(privateJwk, 'RS256');
  for (const { name, claims } of CASES) {
    const payload = { iss: DEV_ISSUER, iat: now, exp: now + 600, tenant_id: TENANT, sub: 'user-1', ...claims };
    const defined = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
    tokens.set(name, await new SignJWT(defined).setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid }).sign(key));
  }
});

afterAll(async () => {
  await api.close();
  await identityProvider.close();
});

/** Whether the dev server let the token through to a JSON route (its authorizer emulation answers 401 otherwise). */
const acceptedByAuthorizer = async (token: string): Promise<boolean> =>
  (await api.call('GET', '/usage', { token })).status !== 401;

/** Whether the streaming function, called as its Function URL calls it, let the token through. */
const acceptedByStreamingFunction = async (token: string): Promise<boolean> => {
  const response = await callFunctionUrl(streamHandler, {
    method: 'POST',
    path: '/conversations/c-unknown/messages/stream',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ message: 'Hello' }),
  });
  return response.status !== 401;
};

describe.each(CASES)('a token whose $name', ({ name, accepted }) => {
  it(`is ${accepted ? 'accepted' : 'refused'} by the authorizer and by the streaming function alike`, async () => {
    const token = tokens.get(name) as string;

    const outcomes = {
      authorizer: await acceptedByAuthorizer(token),
      streamingFunction: await acceptedByStreamingFunction(token),
    };

    expect(outcomes).toEqual({ authorizer: accepted, streamingFunction: accepted });
  });
});
