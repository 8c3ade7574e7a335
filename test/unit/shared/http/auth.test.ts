import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { asGatewayClaims, callerFromEvent, requireAccess } from '../../../../functions/shared/http/auth';
import { ForbiddenError, UnauthorizedError } from '../../../../functions/shared/errors';

const claimsConfig = {
  JWT_TENANT_CLAIM: 'tenant_id',
  JWT_USER_CLAIM: 'sub',
  JWT_GROUPS_CLAIM: 'cognito:groups',
  JWT_ADMIN_GROUP: 'admin',
  JWT_PLATFORM_ADMIN_GROUP: 'platform-admin',
};

/** In an hour, in epoch seconds: the `exp` of a usable token. */
const EXP = Math.floor(Date.now() / 1000) + 3600;

/** An event as API Gateway passes it on: the verified claims (with an expiry unless `claims` says otherwise). */
const eventWith = (claims: Record<string, unknown>, authorization = 'Bearer abc.def.ghi') =>
  ({
    headers: { authorization },
    requestContext: { authorizer: { jwt: { claims: { exp: EXP, ...claims }, scopes: [] } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('callerFromEvent', () => {
  it('reads tenant, user and the bearer token from the verified claims', () => {
    const caller = callerFromEvent(eventWith({ tenant_id: 't-1', sub: 'u-1' }), claimsConfig);

    expect(caller).toEqual({
      tenantId: 't-1',
      userId: 'u-1',
      isAdmin: false,
      isPlatformAdmin: false,
      isService: false,
      bearerToken: 'abc.def.ghi',
    });
  });

  it.each([['[admin users]'], [['users', 'admin']], ['admin']])('recognizes the admin group in %j', (groups) => {
    const caller = callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': groups }), claimsConfig);

    expect(caller.isAdmin).toBe(true);
  });

  it.each([['[platform-admin users]'], [['platform-admin']]])(
    'recognizes the platform admin group in %j, which does not make its holder a tenant admin',
    (groups) => {
      const caller = callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': groups }), claimsConfig);

      expect(caller).toMatchObject({ isPlatformAdmin: true, isAdmin: false });
    },
  );

  it('reads the two admin roles from the configured group names only', () => {
    const ops = { ...claimsConfig, JWT_ADMIN_GROUP: 'TenantAdmins', JWT_PLATFORM_ADMIN_GROUP: 'Ops' };

    const tenantAdmin = callerFromEvent(
      eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': ['TenantAdmins'] }),
      ops,
    );
    const platformAdmin = callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': ['Ops'] }), ops);
    const defaults = callerFromEvent(
      eventWith({ tenant_id: 't', sub: 'u', 'cognito:groups': ['admin', 'platform-admin'] }),
      ops,
    );

    expect(tenantAdmin).toMatchObject({ isAdmin: true, isPlatformAdmin: false });
    expect(platformAdmin).toMatchObject({ isAdmin: false, isPlatformAdmin: true });
    expect(defaults).toMatchObject({ isAdmin: false, isPlatformAdmin: false });
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

describe('callerFromEvent and the expiry', () => {
  it.each([[undefined], [''], ['never'], [null], [true]])('answers 401 to a token whose exp is %j', (exp) => {
    expect(() => callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', exp }), claimsConfig)).toThrow(
      new UnauthorizedError('The token has no expiry ("exp" claim)'),
    );
  });

  it('accepts exp as a number (verified locally) and as the numeric string API Gateway passes', () => {
    expect(() => callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', exp: EXP }), claimsConfig)).not.toThrow();
    expect(() =>
      callerFromEvent(eventWith({ tenant_id: 't', sub: 'u', exp: String(EXP) }), claimsConfig),
    ).not.toThrow();
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
      requestContext: { authorizer: { jwt: { claims: { tenant_id: 't-1', sub: 'u-1', exp: EXP }, scopes: [] } } },
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
  const user = {
    tenantId: 't',
    userId: 'u',
    isAdmin: false,
    isPlatformAdmin: false,
    isService: false,
    bearerToken: '',
  };
  const tenantAdmin = { ...user, isAdmin: true };
  const platformAdmin = { ...user, tenantId: 'platform', isPlatformAdmin: true };
  const ownTenant = { auth: 'admin', tenantParam: 'id' } as const;

  it('lets every caller call user routes', () => {
    for (const caller of [user, tenantAdmin, platformAdmin]) {
      expect(() => requireAccess(caller, { auth: 'user' })).not.toThrow();
    }
  });

  it("keeps platform routes to platform admins: a tenant's admin gets 403", () => {
    expect(() => requireAccess(user, { auth: 'platform-admin' })).toThrow(ForbiddenError);
    expect(() => requireAccess(tenantAdmin, { auth: 'platform-admin' })).toThrow(
      new ForbiddenError('This operation is for platform administrators only'),
    );
    expect(() => requireAccess(platformAdmin, { auth: 'platform-admin' })).not.toThrow();
  });

  it("lets a tenant's admin act on their own tenant only, and a platform admin on any", () => {
    expect(() => requireAccess(tenantAdmin, ownTenant, { id: 't' })).not.toThrow();
    expect(() => requireAccess(tenantAdmin, ownTenant, { id: 'other' })).toThrow(
      new ForbiddenError("A tenant's administrator may only act on their own tenant"),
    );
    expect(() => requireAccess(tenantAdmin, ownTenant)).toThrow(ForbiddenError);
    expect(() => requireAccess(user, ownTenant, { id: 't' })).toThrow(
      new ForbiddenError('This operation is for administrators only'),
    );
    expect(() => requireAccess(platformAdmin, ownTenant, { id: 'other' })).not.toThrow();
  });

  it("reads the tenant of a `tenantQuery` route from the query, the caller's own when it names none", () => {
    const namedInQuery = { auth: 'admin', tenantQuery: 'tenantId' } as const;

    expect(() => requireAccess(tenantAdmin, namedInQuery)).not.toThrow();
    expect(() => requireAccess(tenantAdmin, namedInQuery, {}, { tenantId: 't' })).not.toThrow();
    expect(() => requireAccess(tenantAdmin, namedInQuery, { id: 't' }, { tenantId: 'other' })).toThrow(
      new ForbiddenError("A tenant's administrator may only act on their own tenant"),
    );
    expect(() => requireAccess(user, namedInQuery)).toThrow(
      new ForbiddenError('This operation is for administrators only'),
    );
    expect(() => requireAccess(platformAdmin, namedInQuery, {}, { tenantId: 'other' })).not.toThrow();
  });
});
