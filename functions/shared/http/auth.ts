import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Caller, Role } from '../caller';
import type { Config } from '../config';
import { ForbiddenError, UnauthorizedError } from '../errors';

/** Who may call a route: anyone (`none`, public), or a caller holding the role. */
export type RouteAuth = 'none' | Role;

/**
 * A route's access rule, as its row in the route table states it. An `admin` route acts on one tenant, named by its
 * path parameter `tenantParam`, or by its optional query parameter `tenantQuery` (absent: the caller's own tenant): a
 * tenant's admin may call it for their own tenant only, a platform admin for any. A `platform-admin` route is for
 * platform admins only.
 */
export type RouteAccess =
  | { readonly auth: Exclude<RouteAuth, 'admin'>; readonly tenantParam?: undefined; readonly tenantQuery?: undefined }
  | { readonly auth: 'admin'; readonly tenantParam: string; readonly tenantQuery?: undefined }
  | { readonly auth: 'admin'; readonly tenantQuery: string; readonly tenantParam?: undefined };

type ClaimsConfig = Pick<
  Config,
  'JWT_TENANT_CLAIM' | 'JWT_USER_CLAIM' | 'JWT_GROUPS_CLAIM' | 'JWT_ADMIN_GROUP' | 'JWT_PLATFORM_ADMIN_GROUP'
>;

const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** API Gateway passes array claims as "[a b]" strings; JWTs parsed locally keep arrays. Both are accepted. */
const groupsOf = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
};

/** `exp` as a verifier hands it on: a number (verified here or locally), a numeric string (API Gateway's claims). */
const hasExpiry = (claim: unknown): boolean =>
  (typeof claim === 'number' || (typeof claim === 'string' && claim.trim() !== '')) && Number.isFinite(Number(claim));

/**
 * Reads the caller from the verified claims; fails with 401 when the tenant or user claim is unusable, or when the
 * token never expires (no `exp`): whichever verifier let it through, the function refuses it too.
 */
export const callerFromEvent = (event: APIGatewayProxyEventV2WithJWTAuthorizer, claimsConfig: ClaimsConfig): Caller => {
  const claims: Record<string, unknown> = event.requestContext.authorizer?.jwt?.claims ?? {};
  const tenantId = claims[claimsConfig.JWT_TENANT_CLAIM];
  const userId = claims[claimsConfig.JWT_USER_CLAIM];
  if (typeof tenantId !== 'string' || !SAFE_ID.test(tenantId)) {
    throw new UnauthorizedError(`The token has no usable "${claimsConfig.JWT_TENANT_CLAIM}" claim`);
  }
  if (typeof userId !== 'string' || !SAFE_ID.test(userId)) {
    throw new UnauthorizedError(`The token has no usable "${claimsConfig.JWT_USER_CLAIM}" claim`);
  }
  if (!hasExpiry(claims.exp)) throw new UnauthorizedError('The token has no expiry ("exp" claim)');
  const groups = groupsOf(claims[claimsConfig.JWT_GROUPS_CLAIM]);
  const authorization = event.headers?.authorization ?? '';
  return {
    tenantId,
    userId,
    isAdmin: groups.includes(claimsConfig.JWT_ADMIN_GROUP),
    isPlatformAdmin: groups.includes(claimsConfig.JWT_PLATFORM_ADMIN_GROUP),
    isService: false,
    bearerToken: authorization.replace(/^Bearer\s+/i, ''),
  };
};

/**
 * Enforces a route's access rule on a caller (403 otherwise); `pathParameters` and `queryParameters` are the
 * request's, as the route's handler receives them, so an `admin` route's tenant is the one the handler acts on.
 */
export const requireAccess = (
  caller: Caller,
  access: RouteAccess,
  pathParameters: Readonly<Record<string, string | undefined>> = {},
  queryParameters: Readonly<Record<string, string | undefined>> = {},
): void => {
  if (access.auth === 'platform-admin' && !caller.isPlatformAdmin) {
    throw new ForbiddenError('This operation is for platform administrators only');
  }
  if (access.auth !== 'admin' || caller.isPlatformAdmin) return;
  if (!caller.isAdmin) throw new ForbiddenError('This operation is for administrators only');
  const tenant =
    access.tenantQuery === undefined
      ? pathParameters[access.tenantParam]
      : (queryParameters[access.tenantQuery] ?? caller.tenantId);
  if (tenant !== caller.tenantId) {
    throw new ForbiddenError("A tenant's administrator may only act on their own tenant");
  }
};

/** API Gateway hands verified claims to the function as strings: arrays become "[a b]", objects JSON. */
export const asGatewayClaims = (
  payload: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean> =>
  Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? `[${value.join(' ')}]`
        : value !== null && typeof value === 'object'
          ? JSON.stringify(value)
          : (value as string | number | boolean),
    ]),
  );
