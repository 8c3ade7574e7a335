import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { asGatewayClaims, callerFromEvent, requireAccess } from '../../../../functions/shared/http/auth';
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

describe('callerFromEvent without the usual parts', () => {
  it('answers 401 for an event that reached the function without an authorizer', () => {
    const event = { headers: {}, requestContext: {} } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

    expect(() => callerFromEvent(event, claimsConfig)).toThrow(
      new UnauthorizedError('The token has no usable "tenant_id" claim'),
    );
  });

  it('reads a caller without headers with an empty bearer token', () => {
    const event = {
      requestContext: { authorizer: { jwt: { claims: { tenant_id: 't-1', sub: 'u-1' }, scopes: [] } } },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

    expect(callerFromEvent(event, claimsConfig).bearerToken).toBe('');
  });
});

describe('asGatewayClaims', () => {
  it('passes claims as API Gateway does: arrays as "[a b]", objects as JSON, the rest as they are', () => {
    const payload = { sub: 'u-1', 'cognito:groups': ['users', 'admin'], address: { city: 'Tacoma' }, exp: 1700000000 };

    const claims = asGatewayClaims(payload);

    expect(claims).toEqual({
      sub: 'u-1',
      'cognito:groups': '[users admin]',
      address: '{"city":"Tacoma"}',
      exp: 1700000000,
    });
  });

  it('keeps the admin group recognisable once flattened', () => {
    const claims = asGatewayClaims({ tenant_id: 't', sub: 'u', 'cognito:groups': ['admin'] });

    expect(callerFromEvent(eventWith(claims), claimsConfig).isAdmin).toBe(true);
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
