import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type * as z from '../zod';
import { config } from '../config';
import { logger } from '../observability';
import { once } from '../once';
import { PendingWrites } from '../pending-writes';
import { asGatewayClaims, callerFromEvent, requireAccess } from './auth';
import { errorResponse } from './error-response';
import { assertBodySize, correlationIdOf, parsePart } from './request';
import { MalformedBodyError, UnauthorizedError } from './errors';
import type { RequestContext } from './handler';
import { pathMatcher, type RouteDefinition } from './route';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

/** Where a streaming route writes: status and headers once, then chunks. */
export interface EventSink {
  start(statusCode: number, headers: Readonly<Record<string, string>>): void;
  write(chunk: string): void;
  end(): void;
}

/** What a streaming route receives; `send` writes one Server-Sent Event. */
export interface StreamInput<P extends z.core.$ZodType, B extends z.core.$ZodType> {
  readonly params: z.output<P>;
  readonly body: z.output<B>;
  readonly ctx: RequestContext;
  readonly send: (event: string, data: unknown) => void;
}

/** The two entry points of a streaming route: `sse` for any sink (the local server), `streamHandler` for Lambda. */
export interface StreamRoute {
  readonly sse: (event: Event, sink: EventSink) => Promise<void>;
  readonly streamHandler: unknown;
}

const jwks = once(() => createRemoteJWKSet(new URL(config().JWKS_URL as string)));

/**
 * The claims of the caller. A Function URL has no authorizer, so with JWKS_URL configured the function verifies the
 * bearer token itself (signature via JWKS, issuer, audience, expiry) like the API Gateway JWT authorizer does;
 * without it (the local server, which verified already) the event's claims are used.
 */
const verifiedEvent = async (event: Event): Promise<Event> => {
  const cfg = config();
  if (!cfg.JWKS_URL) return event;
  const token = /^Bearer\s+(\S+)$/i.exec(event.headers?.authorization ?? '')?.[1];
  if (!token) throw new UnauthorizedError('A bearer token is required');
  try {
    const { payload } = await jwtVerify(token, jwks(), {
      ...(cfg.JWT_ISSUER ? { issuer: cfg.JWT_ISSUER } : {}),
      ...(cfg.JWT_AUDIENCE ? { audience: cfg.JWT_AUDIENCE } : {}),
    });
    return {
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: asGatewayClaims(payload), scopes: [] } },
      },
    };
  } catch {
    throw new UnauthorizedError('The bearer token is invalid or expired');
  }
};

const jsonBody = (event: Event): unknown => {
  assertBodySize(event.body);
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString() : event.body;
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    throw new MalformedBodyError('The body is not valid JSON');
  }
};

/** The Lambda runtime's streaming API (a global in the Node.js runtime; absent elsewhere). */
interface LambdaStreaming {
  streamifyResponse(handler: (event: Event, stream: NodeJS.WritableStream) => Promise<void>): unknown;
  HttpResponseStream: {
    from(
      stream: NodeJS.WritableStream,
      meta: { statusCode: number; headers: Record<string, string> },
    ): NodeJS.WritableStream;
  };
}

/** True inside the Lambda Node.js runtime (other libraries may define an empty `awslambda` global). */
const isStreamingRuntime = (runtime: Partial<LambdaStreaming> | undefined): runtime is LambdaStreaming =>
  typeof runtime?.streamifyResponse === 'function' && typeof runtime.HttpResponseStream?.from === 'function';

const lambdaSink = (runtime: LambdaStreaming, stream: NodeJS.WritableStream): EventSink => {
  let output = stream;
  return {
    start: (statusCode, headers) => {
      output = runtime.HttpResponseStream.from(stream, { statusCode, headers: { ...headers } });
    },
    write: (chunk) => void output.write(chunk),
    end: () => void output.end(),
  };
};

/**
 * Wraps a streaming route of the route table: the same claims rules, validation and error mapping as the JSON
 * routes; a failure before the first event is an ordinary JSON error response with its status; after it, an
 * `error` event. The route's result is sent last as the `turn` event. Pending writes settle before the stream ends.
 */
export const sseRoute = <P extends z.core.$ZodType, B extends z.core.$ZodType>(
  route: RouteDefinition<z.core.$ZodType, P, B>,
  run: (input: StreamInput<P, B>) => Promise<unknown>,
): StreamRoute => {
  // Function URLs do not route: without the event's path parameters, they come from the raw path.
  const matchPath = pathMatcher(route.path);
  const sse = async (raw: Event, sink: EventSink): Promise<void> => {
    const correlationId = correlationIdOf(raw);
    let started = false;
    const pending = new PendingWrites();
    const start = (): void => {
      if (started) return;
      started = true;
      sink.start(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'x-correlation-id': correlationId,
      });
    };
    const send = (name: string, data: unknown): void => {
      start();
      sink.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    try {
      const event = await verifiedEvent(raw);
      const caller = callerFromEvent(event, config());
      requireAccess(caller, route.auth);
      const log = logger.createChild({
        persistentKeys: { tenantId: caller.tenantId, userId: caller.userId, correlationId },
      });
      const ctx: RequestContext = { caller, correlationId, log, responseHeaders: new Map(), pending };
      // As in the JSON routes: the body's size and syntax first, then the path and the body's content.
      const rawBody = jsonBody(event);
      const params = parsePart(route.params, event.pathParameters ?? matchPath(event.rawPath ?? ''), 'path');
      const result = await run({ params, body: parsePart(route.body, rawBody, 'body'), ctx, send });
      await pending.settle();
      send('turn', result);
    } catch (error) {
      await pending.settle();
      const response = errorResponse(error, correlationId);
      if ((response.statusCode ?? 500) >= 500) logger.error('stream failed', { error: error as Error, correlationId });
      if (started) send('error', JSON.parse(response.body as string));
      else {
        sink.start(response.statusCode ?? 500, response.headers as Record<string, string>);
        sink.write(response.body as string);
      }
    }
    sink.end();
  };
  const runtime = (globalThis as { awslambda?: Partial<LambdaStreaming> }).awslambda;
  return {
    sse,
    streamHandler: isStreamingRuntime(runtime)
      ? runtime.streamifyResponse((event, stream) => sse(event, lambdaSink(runtime, stream)))
      : () => Promise.reject(new Error('streamHandler runs in the Lambda Node.js runtime; use sse() elsewhere')),
  };
};
