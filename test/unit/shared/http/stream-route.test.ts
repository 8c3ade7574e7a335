import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from '../../../../functions/shared/zod';
import { defineRoute } from '../../../../functions/shared/http/route';
import { streamRoute } from '../../../../functions/shared/http/stream-route';
import { LocalResponseStream } from '../../../../functions/shared/http/streaming-runtime';
import { lambdaContext } from '../../../../local/lambda-context';

const route = defineRoute({
  method: 'POST',
  path: '/things/{id}/stream',
  handler: 'test/unit/shared/http/stream-route.test.ts',
  auth: 'user',
  transport: 'stream',
  summary: 'A streaming route for the pipeline tests',
  tag: 'test',
  params: z.object({ id: z.string() }),
  body: z.object({ message: z.string() }),
  response: { status: 200, schema: z.object({}) },
  grants: {},
});

/** An event as a Function URL hands it over: the raw path only, no path parameters (there is no API route). */
const functionUrlEvent = (rawPath: string, headers: Record<string, string>, body?: string) =>
  ({
    version: '2.0',
    rawPath,
    headers: { authorization: 'Bearer x', ...headers },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      http: { method: 'POST', path: rawPath },
      authorizer: { jwt: { claims: { tenant_id: 'tenant-1', sub: 'user-1', exp: '4102444800' }, scopes: [] } },
    },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

/** Runs the handler on a local response stream and returns the status and the body it wrote. */
const invoke = async (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<{ status?: number; headers: Readonly<Record<string, string>>; body: any }> => {
  const handler = streamRoute(route, 'done', async ({ params }) => ({ id: params.id }));
  let status: number | undefined;
  let headers: Readonly<Record<string, string>> = {};
  let text = '';
  const stream = new LocalResponseStream(
    (head) => {
      status = head.statusCode;
      headers = head.headers;
    },
    { write: (chunk) => void (text += chunk.toString()), end: () => undefined },
  );
  await handler(event, stream, lambdaContext('streamTest'));
  return { status, headers, body: text.startsWith('{') ? JSON.parse(text) : text };
};

describe('streamRoute', () => {
  it('reads the path parameters from the raw path of a Function URL', async () => {
    const served = await invoke(
      functionUrlEvent('/things/a%20b/stream', { 'content-type': 'application/json' }, '{"message":"hi"}'),
    );

    expect(served.status).toBe(200);
    expect(served.body).toContain('"id":"a b"');
  });

  it("adds no CORS header of its own to a browser's request, answered or refused (its Function URL adds them)", async () => {
    const origin = { origin: 'http://localhost:5173', 'content-type': 'application/json' };

    const served = await invoke(functionUrlEvent('/things/t-1/stream', origin, '{"message":"hi"}'));
    const refused = await invoke(functionUrlEvent('/things/t-1/stream', origin, '{"message":1}'));

    expect([served.status, refused.status]).toEqual([200, 400]);
    for (const { headers } of [served, refused]) {
      expect(Object.keys(headers).filter((name) => /^access-control-|^vary$/i.test(name))).toEqual([]);
    }
  });

  it('answers a raw path with a malformed escape with 400 invalid_path', async () => {
    const response = await invoke(
      functionUrlEvent('/things/%E0%A4%A/stream', { 'content-type': 'application/json' }, '{"message":"hi"}'),
    );

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_path');
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }, false],
    ['no content type (a Function URL base64-encodes the body)', {}, true],
  ])('answers a body sent as %s with 400 malformed_body, like the JSON routes', async (_kind, headers, base64) => {
    const body = '{"message":"hi"}';
    const event = {
      ...functionUrlEvent('/things/t-1/stream', headers, base64 ? Buffer.from(body).toString('base64') : body),
      isBase64Encoded: base64,
    } as APIGatewayProxyEventV2WithJWTAuthorizer;

    const response = await invoke(event);

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('malformed_body');
  });
});
