import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnauthorizedError } from '../errors';

/** What a bearer token is checked against, like the API Gateway JWT authorizer: the issuer's keys, issuer, audience. */
export interface TokenVerification {
  readonly keys: JWTVerifyGetKey;
  readonly issuer?: string;
  readonly audience?: string | readonly string[];
}

/**
 * Verifies the bearer token of an `Authorization` header (signature, issuer, audience, expiry) and returns its
 * claims; anything else, a token that never expires (no `exp`) too, is a 401. The local server (standing in for API Gateway) and the streaming functions (which
 * a Function URL reaches without an authorizer) both verify through this.
 */
export const verifyBearerToken = async (
  authorization: string | undefined,
  verification: TokenVerification,
): Promise<JWTPayload> => {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new UnauthorizedError('A bearer token is required');
  try {
    const { payload } = await jwtVerify(token, verification.keys, {
      requiredClaims: ['exp'],
      ...(verification.issuer ? { issuer: verification.issuer } : {}),
      ...(verification.audience ? { audience: [verification.audience].flat() } : {}),
    });
    return payload;
  } catch (error) {
    const neverExpires =
      error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing';
    throw new UnauthorizedError(
      neverExpires ? 'The bearer token has no expiry ("exp" claim)' : 'The bearer token is invalid or expired',
    );
  }
};
