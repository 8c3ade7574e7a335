import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from '../functions/shared/caller';
import { configSchema, parseEnv, type Config } from '../functions/shared/config';

/** Issuer and audience of dev tokens; the local server checks both, as the API Gateway JWT authorizer does. */
export const DEV_ISSUER = 'https://coaching.local/dev';
export const DEV_AUDIENCE = 'coaching-api';
const KEY_ID = 'dev-key-1';

/** Where the dev key pair lives (git-ignored), so tokens survive a restart. */
export const DEV_KEY_FILE = join(__dirname, '..', '.local', 'dev-jwt-key.json');

/** The dev signing key pair, as JWKs. */
export interface DevKeys {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** Loads the dev key pair, creating and saving it on first use. */
export const loadDevKeys = async (file: string = DEV_KEY_FILE): Promise<DevKeys> => {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const keys: DevKeys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'RS256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
};

/** The claim and group names a dev token is written with. */
export interface DevTokenNames {
  readonly tenantClaim: string;
  readonly groupsClaim: string;
  readonly adminGroup: string;
  readonly platformAdminGroup: string;
}

/** What a dev token says about its bearer; names not given are the service's defaults. */
export interface DevTokenClaims extends Partial<DevTokenNames> {
  readonly tenantId: string;
  readonly userId?: string;
  /** The role its groups give (default `user`: no group). */
  readonly role?: Role;
  readonly expiresIn?: string;
}

/** The names a service with this configuration reads tokens with. */
export const devTokenNames = (
  cfg: Pick<Config, 'JWT_TENANT_CLAIM' | 'JWT_GROUPS_CLAIM' | 'JWT_ADMIN_GROUP' | 'JWT_PLATFORM_ADMIN_GROUP'>,
): DevTokenNames => ({
  tenantClaim: cfg.JWT_TENANT_CLAIM,
  groupsClaim: cfg.JWT_GROUPS_CLAIM,
  adminGroup: cfg.JWT_ADMIN_GROUP,
  platformAdminGroup: cfg.JWT_PLATFORM_ADMIN_GROUP,
});

/** Signs a dev token the local server accepts. */
export const mintDevToken = async (keys: DevKeys, claims: DevTokenClaims): Promise<string> => {
  const key = await importJWK(keys.privateJwk, 'RS256');
  const names = { ...devTokenNames(parseEnv(configSchema, {})), ...claims };
  const groups = { user: [], admin: [names.adminGroup], 'platform-admin': [names.platformAdminGroup] };
  return new SignJWT({
    [names.tenantClaim]: claims.tenantId,
    [names.groupsClaim]: groups[claims.role ?? 'user'],
  })
    .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
    .setSubject(claims.userId ?? 'dev-user')
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '12h')
    .sign(key);
};
