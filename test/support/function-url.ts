import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { RouteDefinition } from '../../functions/shared/http/route';
import type { StreamLambdaHandler } from '../../functions/shared/http/stream-route';
import { LocalResponseStream } from '../../functions/shared/http/streaming-runtime';
import { lambdaContext } from '../../local/lambda-context';

/** What a streaming handler wrote: the head it set and the body's text. */
export interface StreamedResponse {
  readonly status?: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request to a Function URL: its path and headers (a bearer token, an Origin, ...) and a JSON body. */
export interface FunctionUrlRequest {
  readonly method: RouteDefinition['method'];
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The route's handler module, loaded as Lambda loads it. */
export const streamHandlerOf = async (route: RouteDefinition): Promise<StreamLambdaHandler> =>
  ((await import(`../../${route.handler}`)) as { handler: StreamLambdaHandler }).handler;

/**
 * Invokes a streaming handler as its Function URL does: the raw path and headers, no authorizer (and so no claims) in
 * front, the response written to a local response stream.
 */
export const callFunctionUrl = async (
  handler: StreamLambdaHandler,
  request: FunctionUrlRequest,
  functionName = 'functionUrl',
): Promise<StreamedResponse> => {
  let head: { status?: number; headers: Readonly<Record<string, string>> } = { headers: {} };
  let body = '';
  const stream = new LocalResponseStream((set) => (head = { status: set.statusCode, headers: set.headers }), {
    write: (chunk) => void (body += chunk.toString()),
    end: () => undefined,
  });
  const event = {
    version: '2.0',
    rawPath: request.path,
    headers: { 'content-type': 'application/json', ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: false,
    requestContext: { requestId: 'function-url-1', http: { method: request.method, path: request.path } },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  await handler(event, stream, lambdaContext(functionName));
  return { ...head, body };
};
