import '../../support/lambda-env';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import * as z from '../../../functions/shared/zod';
import { jsonRoute } from '../../../functions/shared/http/pipeline';
import { defineRoute } from '../../../functions/shared/http/route';
import { logger } from '../../../functions/shared/observability';

jest.mock('@aws-lambda-powertools/tracer', () => {
  throw new Error("Cannot find module '@aws-lambda-powertools/tracer'");
});

/** A Lambda process whose tracing layer is missing: tracing is off, the requests are served. */
it('serves the requests untraced, warning once, when Powertools Tracer cannot be loaded', async () => {
  const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const handler = jsonRoute(
    defineRoute({
      method: 'GET',
      path: '/things',
      handler: 'test/unit/shared/tracing-without-layer.test.ts',
      auth: 'user',
      summary: 'A route in a process without its tracing layer',
      tag: 'test',
      response: { status: 200, schema: z.object({}) },
      grants: {},
    }),
    async () => ({ body: {} }),
  );
  const event = {
    version: '2.0',
    rawPath: '/things',
    headers: { authorization: 'Bearer x' },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      authorizer: { jwt: { claims: { tenant_id: 't-1', sub: 'u-1', exp: '4102444800' }, scopes: [] } },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const context = { functionName: 'untraced', awsRequestId: 'req-1' } as unknown as Context;

  const responses = [await handler(event, context), await handler(event, context)];

  expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
  expect(warn.mock.calls.map(([message]) => message)).toEqual([
    'Tracing is off: Powertools Tracer could not be loaded',
  ]);
});
