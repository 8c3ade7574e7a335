import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey } from 'jose';
import { UnauthorizedError } from '../../../../functions/shared/errors';
import { verifyBearerToken } from '../../../../functions/shared/http/jwt';

let keys: JWTVerifyGetKey;
/** Signs with the issuer's key; `expiresIn: null` leaves `exp` out; `claims` are added (and may replace `iat`). */
let sign: (claims: {
  iss?: string;
  aud?: string;
  expiresIn?: string | null;
  claims?: Record<string, unknown>;
}) => Promise<string>;
let signWithOtherKey: () => Promise<string>;

beforeAll(async () => {
  const issuerKey = await generateKeyPair('ES256');
  const otherKey = await generateKeyPair('ES256');
  keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(issuerKey.publicKey)), alg: 'ES256' }] });
  sign = async ({ iss, aud, expiresIn = '5m', claims = {} }) => {
    const jwt = new SignJWT({ tenant_id: 'acme-plumbing', iat: Math.floor(Date.now() / 1000), ...claims })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('user-1');
    if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
    if (iss) jwt.setIssuer(iss);
    if (aud) jwt.setAudience(aud);
    return jwt.sign(issuerKey.privateKey);
  };
  signWithOtherKey = () =>
    new SignJWT({ tenant_id: 'acme-plumbing' })
      .setProtectedHeader({ alg: 'ES256' })
      .setExpirationTime('5m')
      .sign(otherKey.privateKey);
});

describe('verifyBearerToken without an issuer or audience configured', () => {
  it("accepts a token signed by the issuer's key whatever its issuer and audience", async () => {
    const token = await sign({ iss: 'https://anyone.example.com', aud: 'some-client' });

    const claims = await verifyBearerToken(`Bearer ${token}`, { keys });

    expect(claims).toMatchObject({ sub: 'user-1', tenant_id: 'acme-plumbing' });
  });

  it('still refuses a token signed by another key, and an expired one', async () => {
    const forged = await signWithOtherKey();
    const expired = await sign({ expiresIn: '-1m' });

    await expect(verifyBearerToken(`Bearer ${forged}`, { keys })).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verifyBearerToken(`Bearer ${expired}`, { keys })).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a token that never expires (no exp), however well signed', async () => {
    const forever = await sign({ iss: 'https://anyone.example.com', expiresIn: null });

    await expect(verifyBearerToken(`Bearer ${forever}`, { keys })).rejects.toThrow(
      new UnauthorizedError('The bearer token has no expiry ("exp" claim)'),
    );
  });
});

describe('verifyBearerToken with an issuer and audiences configured', () => {
  const verification = () => ({ keys, issuer: 'https://auth.example.com', audience: ['web', 'console'] });

  it('accepts a token for any of the audiences from the issuer', async () => {
    const token = await sign({ iss: 'https://auth.example.com', aud: 'console' });

    await expect(verifyBearerToken(`Bearer ${token}`, verification())).resolves.toMatchObject({ aud: 'console' });
  });

  it('accepts a token without aud whose client_id is one of the audiences, as Cognito access tokens are', async () => {
    const token = await sign({ iss: 'https://auth.example.com', claims: { client_id: 'web' } });

    await expect(verifyBearerToken(`Bearer ${token}`, verification())).resolves.toMatchObject({ client_id: 'web' });
  });

  it.each([
    ['a client_id for another client and no aud', { claims: { client_id: 'mobile' } }],
    ['neither aud nor client_id', {}],
    [
      'an aud for another audience, whatever its client_id (aud decides)',
      { aud: 'mobile', claims: { client_id: 'web' } },
    ],
    ['an iat in the future', { aud: 'web', claims: { iat: Math.floor(Date.now() / 1000) + 600 } }],
  ])('refuses a token with %s', async (_case, claims) => {
    const token = await sign({ iss: 'https://auth.example.com', ...claims });

    await expect(verifyBearerToken(`Bearer ${token}`, verification())).rejects.toThrow(
      new UnauthorizedError('The bearer token is invalid or expired'),
    );
  });

  it('refuses a token from another issuer or for another audience', async () => {
    const otherIssuer = await sign({ iss: 'https://evil.example.com', aud: 'web' });
    const otherAudience = await sign({ iss: 'https://auth.example.com', aud: 'mobile' });

    await expect(verifyBearerToken(`Bearer ${otherIssuer}`, verification())).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verifyBearerToken(`Bearer ${otherAudience}`, verification())).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });
});
