import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { callerFromEvent, requireAccess } from '../../../../functions/shared/http/auth';
import { ForbiddenError, UnauthorizedError } from '../../../../functions/shared/errors';

const claimsConfig = {
  JWT_TENANT_CLAIM: 'tenant_id',
  JWT_USER_CLAIM: 'sub',
  JWT_GROUPS_CLAIM: 'cognito:groups',
  JWT_ADMIN_GROUP: 'admin',
};

const eventWith = (claims: Record<string, unknown>, authorization = 'Bearer abc.def.ghi') =>
  ({
    headers: { authorization },
    requestContext: { authorizer: { jwt: { claims, scopes: [] } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('callerFromEvent', () => {
  it('reads tenant, user and the bearer token from the verified claims', () => {
    const caller = callerFromEvent(eventWith({ tenant_id: 't-1', sub: 'u-1' }), claimsConfig);

    expect(caller).toEqual({ tenantId: 't-1', userId: 'u-1', isAdmin: false, bearerToken: 'abc.def.ghi' });
  });

  it.each([['[admin users]'], [['users', 'admin']], ['admin']])('recognizes the admin group in %j', (groups) => {
    const caller = callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': groups }), claimsConfig);

    expect(caller.isAdmin).toBe(true);
  });

  it('does not treat a group that merely contains "admin" as admin', () => {
    const caller = callerFromEvent(
      eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': '[administrators]' }),
      claimsConfig,
    );

    expect(caller.isAdmin).toBe(false);
  });

  it('uses configured claim names', () => {
    const caller = callerFromEvent(eventWith({ 'custom:org': 'org-9', email: 'a@b.c' }), {
      ...claimsConfig,
      JWT_TENANT_CLAIM: 'custom:org',
      JWT_USER_CLAIM: 'email',
    });

    expect(caller).toMatchObject({ tenantId: 'org-9', userId: 'a@b.c' });
  });

  it.each([
    [{ sub: 'u' }],
    [{ tenant_id: '', sub: 'u' }],
    [{ tenant_id: 'a#b', sub: 'u' }],
    [{ tenant_id: 't' }],
    [{ tenant_id: 5, sub: 'u' }],
  ])('rejects unusable claims %j', (claims) => {
    expect(() => callerFromEvent(eventWith(claims), claimsConfig)).toThrow(UnauthorizedError);
  });
});

describe('requireAccess', () => {
  const user = { tenantId: 't', userId: 'u', isAdmin: false, bearerToken: '' };

  it('lets a user call user routes and refuses admin routes', () => {
    expect(() => requireAccess(user, 'user')).not.toThrow();
    expect(() => requireAccess(user, 'admin')).toThrow(ForbiddenError);
    expect(() => requireAccess({ ...user, isAdmin: true }, 'admin')).not.toThrow();
  });
});
