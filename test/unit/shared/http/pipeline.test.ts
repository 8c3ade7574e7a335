import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import * as z from '../../../../functions/shared/zod';
import { jsonRoute } from '../../../../functions/shared/http/pipeline';
import { defineRoute } from '../../../../functions/shared/http/route';
import type { IdempotencyGuard, IdempotentRequest } from '../../../../functions/shared/http/idempotency';
import type { Invocation } from '../../../../functions/shared/invocation';
import { TextFile } from '../../../../functions/shared/text-file';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

const route = (body?: z.ZodMiniType) =>
  defineRoute({
    method: 'POST',
    path: '/things/{id}',
    handler: 'test/unit/shared/http/pipeline.test.ts',
    auth: 'user',
    summary: 'A route for the pipeline tests',
    tag: 'test',
    params: z.object({ id: z.string() }),
    ...(body ? { body } : {}),
    response: { status: 200, schema: z.object({}) },
    grants: {},
  });

const event = (overrides: Partial<Event> = {}): Event =>
  ({
    version: '2.0',
    routeKey: 'POST /things/{id}',
    rawPath: '/things/t-1',
    headers: { authorization: 'Bearer abc.def.ghi', 'content-type': 'application/json' },
    pathParameters: { id: 't-1' },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      authorizer: { jwt: { claims: { tenant_id: 'tenant-1', sub: 'user-1', exp: '1900000000' }, scopes: [] } },
    },
    ...overrides,
  }) as unknown as Event;

const context = { functionName: 'pipeline-test', awsRequestId: 'req-1' } as unknown as Context;

describe('jsonRoute', () => {
  it('answers a body sent as another media type with 400, saying the body must be JSON', async () => {
    const handler = jsonRoute(route(z.object({ name: z.string() })), async () => ({ body: {} }));

    const response = await handler(
      event({ headers: { authorization: 'Bearer x', 'content-type': 'text/plain' }, body: '{"name": "a"}' }),
      context,
    );

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'malformed_body', message: 'The body must be JSON (content-type: application/json)' },
    });
  });

  it('reads a base64-encoded body that API Gateway passed on, even on a route that ignores the body', async () => {
    const handler = jsonRoute(route(), async () => ({ body: { ok: true } }));
    const encoded = (text: string) => Buffer.from(text).toString('base64');

    const json = await handler(event({ body: encoded('{"note": "ignored"}'), isBase64Encoded: true }), context);
    const notJson = await handler(event({ body: encoded('note=ignored'), isBase64Encoded: true }), context);

    expect(json.statusCode).toBe(200);
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body ?? '').error.code).toBe('malformed_body');
  });

  it('gives the use case the API Gateway budget, less the margin, when there is no Lambda clock', async () => {
    let remainingMs = 0;
    const handler = jsonRoute(route(), async ({ invocation }) => {
      remainingMs = invocation.deadline.remainingMs();
      return { body: {} };
    });

    await handler(event(), context);

    expect(remainingMs).toBeGreaterThan(27_000);
    expect(remainingMs).toBeLessThanOrEqual(28_000);
  });

  it('answers 401 to claims without an expiry, whatever let them through, before the route runs', async () => {
    let ran = false;
    const handler = jsonRoute(route(), async () => {
      ran = true;
      return { body: {} };
    });
    const claims = { tenant_id: 'tenant-1', sub: 'user-1' };

    const response = await handler(
      event({
        requestContext: { requestId: 'req-1', authorizer: { jwt: { claims, scopes: [] } } },
      } as unknown as Partial<Event>),
      context,
    );

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'unauthorized', message: 'The token has no expiry ("exp" claim)' },
    });
    expect(ran).toBe(false);
  });

  it("puts the use case's usage warning in the x-usage-warning header", async () => {
    const warnAndAnswer = async ({ invocation }: { invocation: Invocation }) => {
      invocation.usage.warn('80% of the monthly token budget is used');
      return { body: {} };
    };
    const handler = jsonRoute(route(), warnAndAnswer);

    const response = await handler(event(), context);

    expect(response.headers?.['x-usage-warning']).toBe('80% of the monthly token budget is used');
    expect(response.headers?.['x-correlation-id']).toBe('req-1');
  });

  it('sends a file the use case returned as it is, with its media type, as an attachment', async () => {
    const file = new TextFile('text/csv; charset=utf-8', 'usage 2026-11 "all".csv', 'a,b\r\n1,2\r\n');
    const handler = jsonRoute(route(), async () => ({ body: file }));

    const response = await handler(event(), context);

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('a,b\r\n1,2\r\n');
    expect(response.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="usage_2026-11__all_.csv"; filename*=UTF-8''usage%202026-11%20%22all%22.csv`,
      'x-correlation-id': 'req-1',
    });
  });

  it('ignores the body of a GET, so a GET never answers 400 or 413 for one (as its document says)', async () => {
    const get = { ...route(), method: 'GET' as const };
    const handler = jsonRoute(get, async () => ({ body: { ok: true } }));

    const response = await handler(event({ routeKey: 'GET /things/{id}', body: 'x'.repeat(100_000) }), context);

    expect(response.statusCode).toBe(200);
  });

  describe('on an idempotent route', () => {
    /** A guard that runs each key once and keeps the result, recording what it was asked. */
    const keepingGuard = () => {
      const kept = new Map<string, unknown>();
      const requests: IdempotentRequest[] = [];
      const guard: IdempotencyGuard = {
        once: async <T>(request: IdempotentRequest, run: () => Promise<T>) => {
          requests.push(request);
          if (kept.has(request.key)) return { result: kept.get(request.key) as T, replayed: true };
          const result = await run();
          kept.set(request.key, result);
          return { result, replayed: false };
        },
      };
      return { guard, requests };
    };
    const idempotentRoute = { ...route(z.object({ name: z.string() })), idempotent: true };
    const withKey = (key: string) =>
      event({ headers: { ...event().headers, 'idempotency-key': key }, body: '{"name":"a"}' });

    it('runs a keyed request through the guard, naming the tenant, user, route and payload, and marks a replay', async () => {
      const { guard, requests } = keepingGuard();
      let runs = 0;
      const handler = jsonRoute(idempotentRoute, async () => ({ statusCode: 201, body: { run: (runs += 1) } }), {
        idempotency: () => guard,
      });

      const first = await handler(withKey('k-1'), context);
      const repeat = await handler(withKey('k-1'), context);
      const unkeyed = await handler(event({ body: '{"name":"a"}' }), context);

      expect([first.statusCode, first.body, first.headers?.['idempotency-replayed']]).toEqual([
        201,
        '{"run":1}',
        undefined,
      ]);
      expect([repeat.statusCode, repeat.body, repeat.headers?.['idempotency-replayed']]).toEqual([
        201,
        '{"run":1}',
        'true',
      ]);
      expect(unkeyed.body).toBe('{"run":2}');
      expect(requests[0]).toMatchObject({
        tenantId: 'tenant-1',
        userId: 'user-1',
        route: 'POST /things/{id}',
        key: 'k-1',
        payload: { params: { id: 't-1' }, body: { name: 'a' } },
      });
      expect(requests).toHaveLength(2);
    });

    it('needs a guard, and a guard needs an idempotent row', () => {
      expect(() => jsonRoute(idempotentRoute, async () => ({}))).toThrow(/go together/);
      expect(() => jsonRoute(route(), async () => ({}), { idempotency: () => keepingGuard().guard })).toThrow(
        /go together/,
      );
    });
  });
});
