import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnauthorizedError } from '../errors';
import * as z from '../zod';

/** What a bearer token is checked against, like the API Gateway JWT authorizer: the issuer's keys, issuer, audience. */
export interface TokenVerification {
  readonly keys: JWTVerifyGetKey;
  readonly issuer?: string;
  readonly audience?: string | readonly string[];
}

/**
 * Whether a token was issued for one of `audiences`, decided as the API Gateway HTTP API JWT authorizer decides it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html, "Validate claims"):
 * by its `aud` (any of its values) when it has one, and only when it has none by its `client_id` (Cognito access
 * tokens carry `client_id` and no `aud`). A token with `aud` is judged by `aud` alone, whatever its `client_id`; a
 * token with neither is for no one.
 */
export const isForAudience = (payload: JWTPayload, audiences: readonly string[]): boolean =>
  payload.aud !== undefined
    ? [payload.aud].flat().some((aud) => audiences.includes(aud))
    : typeof payload.client_id === 'string' && audiences.includes(payload.client_id);

/** A token whose `iat` is still to come: API Gateway requires it, when present, to be before the current time. */
const issuedInTheFuture = (payload: JWTPayload): boolean =>
  typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000);

/**
 * Verifies the bearer token of an `Authorization` header by the one rule of the API Gateway JWT authorizer: its
 * signature by the issuer's keys, `iss` (when configured), `aud` or `client_id` (isForAudience, when audiences are
 * configured), `exp` in the future, `nbf` and `iat` (when present) in the past; no scope is required (the routes
 * configure none). Returns its claims; anything else, a token that never expires (no `exp`) too, is a 401. The local
 * server (standing in for API Gateway) and the streaming functions (which a Function URL reaches without an
 * authorizer) both verify through this.
 */
export const verifyBearerToken = async (
  authorization: string | undefined,
  verification: TokenVerification,
): Promise<JWTPayload> => {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new UnauthorizedError('A bearer token is required');
  const audiences = verification.audience === undefined ? undefined : [verification.audience].flat();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, verification.keys, {
      requiredClaims: ['exp'],
      ...(verification.issuer ? { issuer: verification.issuer } : {}),
    }));
  } catch (error) {
    const neverExpires =
      error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing';
    throw new UnauthorizedError(
      neverExpires ? 'The bearer token has no expiry ("exp" claim)' : 'The bearer token is invalid or expired',
    );
  }
  if (issuedInTheFuture(payload) || (audiences && !isForAudience(payload, audiences))) {
    throw new UnauthorizedError('The bearer token is invalid or expired');
  }
  return payload;
};

/** The longest the issuer's discovery document may take to arrive. */
const DISCOVERY_TIMEOUT_MS = 3_000;

/** The part of an OpenID Provider's discovery document the verifier reads: where its signing keys are. */
const discoverySchema = z.object({ jwks_uri: z.url({ protocol: /^https?$/ }) });

/**
 * The issuer's signing keys, found where API Gateway finds them: at the `jwks_uri` of the issuer's OpenID Connect
 * discovery document (`<issuer>/.well-known/openid-configuration`), which this reads once (the caller keeps the
 * result); jose fetches and caches the key set itself. An explicit `jwksUrl` (JWKS_URL) skips the discovery. A
 * discovery document that cannot be read, or names no key set, fails (a 500: the service's outage, not the caller's).
 */
export const issuerKeys = async (issuer: string, jwksUrl?: string): Promise<JWTVerifyGetKey> => {
  if (jwksUrl) return createRemoteJWKSet(new URL(jwksUrl));
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`The issuer's discovery document ${url} answered ${response.status}`);
  const discovered = z.safeParse(discoverySchema, await response.json().catch(() => undefined));
  if (!discovered.success) throw new Error(`The issuer's discovery document ${url} names no usable jwks_uri`);
  return createRemoteJWKSet(new URL(discovered.data.jwks_uri));
};
