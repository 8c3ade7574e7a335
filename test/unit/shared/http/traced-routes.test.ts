import '../../../support/lambda-env';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import * as z from '../../../../functions/shared/zod';
import { jsonRoute } from '../../../../functions/shared/http/pipeline';
import { defineRoute } from '../../../../functions/shared/http/route';
import { streamRoute } from '../../../../functions/shared/http/stream-route';
import { LocalResponseStream } from '../../../../functions/shared/http/streaming-runtime';
import { traceAwsClient, tracing } from '../../../../functions/shared/tracing';
import { Tracer, type FakeSegment } from '../../../support/fake-tracer';

jest.mock('@aws-lambda-powertools/tracer', () => jest.requireActual('../../../support/fake-tracer'));

/** In a Lambda process, the routes' invocations are traced with Powertools Tracer (replaced here by the fake). */
const claims = { tenant_id: 'tenant-1', sub: 'user-1', exp: '4102444800' };

const definition = {
  path: '/things/{id}',
  handler: 'test/unit/shared/http/traced-routes.test.ts',
  auth: 'user',
  summary: 'A traced route',
  tag: 'test',
  params: z.object({ id: z.string() }),
  response: { status: 200, schema: z.object({}) },
  grants: {},
} as const;

const event = (headers: Record<string, string> = {}) =>
  ({
    version: '2.0',
    rawPath: '/things/t-1',
    headers: { authorization: 'Bearer x', 'x-correlation-id': 'corr-7', ...headers },
    pathParameters: { id: 't-1' },
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', authorizer: { jwt: { claims, scopes: [] } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const context = { functionName: 'traced', awsRequestId: 'req-1' } as unknown as Context;

/** The one Tracer the process made (the wiring makes it with the first invocation). */
const tracer = (): Tracer => {
  expect(Tracer.instances).toHaveLength(1);
  return Tracer.instances[0] as Tracer;
};

const invocationSegments = (name: string): FakeSegment[] =>
  tracer().lambdaSegment.subsegments.filter((segment) => segment.name === name);

describe('a JSON route in Lambda', () => {
  const sdkClient = { middlewareStack: 'made at cold start' };

  beforeAll(() => {
    // An SDK client made at cold start, before the tracer is loaded with the first invocation.
    traceAwsClient(sdkClient);
  });

  it('traces the invocation as `## GET /things/:id` with its tenant and correlation id, closed when it answers', async () => {
    const handler = jsonRoute(defineRoute({ ...definition, method: 'GET' }), async () =>
      tracing().span('BusinessApi goals', async () => ({ body: {} })),
    );

    const response = await handler(event(), context);

    const [segment] = invocationSegments('## GET /things/:id');
    expect(response.statusCode).toBe(200);
    expect(segment?.find('BusinessApi goals').closed).toBe(true);
    expect(segment).toMatchObject({
      annotations: { ColdStart: true, Service: 'coaching-service', tenantId: 'tenant-1', correlationId: 'corr-7' },
      closed: true,
      faultFlag: false,
    });
    expect(tracer().options).toMatchObject({ captureHTTPsRequests: false });
    expect(tracer().getSegment()).toBe(tracer().lambdaSegment);
  });

  it('has the SDK clients made before the tracer was loaded traced once it is, and those made after at once', () => {
    const later = { middlewareStack: 'made afterwards' };

    traceAwsClient(later);

    expect(tracer().capturedClients).toEqual([sdkClient, later]);
  });

  it("records the use case's failure on the invocation's subsegment, and answers as usual", async () => {
    const handler = jsonRoute(defineRoute({ ...definition, method: 'POST' }), async () => {
      throw new Error('DynamoDB unreachable');
    });

    const response = await handler(event({ 'x-correlation-id': 'corr-8' }), context);

    const [segment] = invocationSegments('## POST /things/:id');
    expect(response.statusCode).toBe(500);
    expect(segment).toMatchObject({ annotations: { correlationId: 'corr-8', ColdStart: false }, closed: true });
    expect(segment?.errors.map((error) => error.message)).toEqual(['DynamoDB unreachable']);
  });
});

describe('a streaming route in Lambda', () => {
  it('traces the invocation until its stream has ended, not only until its first event', async () => {
    const route = defineRoute({
      ...definition,
      path: '/things/{id}/stream',
      method: 'POST',
      transport: 'stream',
      body: z.object({ message: z.string() }),
    });
    let openAfterFirstEvent: boolean | undefined;
    const handler = streamRoute(route, 'done', async ({ send }) => {
      send('delta', { text: 'Hel' });
      await sleep(20); // the handler has returned the response by now; the stream goes on
      openAfterFirstEvent = !invocationSegments('## POST /things/:id/stream')[0]?.closed;
      send('delta', { text: 'lo' });
      return { ok: true };
    });
    let body = '';
    const stream = new LocalResponseStream(() => undefined, {
      write: (chunk) => void (body += chunk.toString()),
      end: () => undefined,
    });

    await handler(
      { ...event({ 'x-correlation-id': 'corr-9', 'content-type': 'application/json' }), body: '{"message":"hi"}' },
      stream,
      context,
    );

    const [segment] = invocationSegments('## POST /things/:id/stream');
    expect(body).toContain('event: done');
    expect(openAfterFirstEvent).toBe(true);
    expect(segment).toMatchObject({ annotations: { correlationId: 'corr-9' }, closed: true });
  });
});
