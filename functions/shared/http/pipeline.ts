import { createHash } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../zod';
import { config } from '../config';
import { MalformedBodyError } from '../errors';
import { startInvocation, type Invocation, type InvocationScope } from '../invocation';
import { logger, metrics } from '../observability';
import { callerFromEvent, requireAccess, type RouteAuth } from './auth';
import { errorResponse, statusOf } from './error-response';
import { idempotencyKeyOf, type IdempotencyGuard } from './idempotency';
import { assertBodySize, correlationIdOf, parsePart } from './request';
import { pathMatcher, type RouteDefinition } from './route';
import { ensureStreamingRuntime } from './streaming-runtime';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/** The Lambda handler every JSON route exports. */
export type HttpLambdaHandler = (event: Event, context: Context) => Promise<Result>;

/** What a route returns; the body is serialized as JSON. */
export interface HttpResult {
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The validated request a route receives, and the invocation its use case takes. */
export interface RouteInput<Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType> {
  readonly query: z.output<Q>;
  readonly params: z.output<P>;
  readonly body: z.output<B>;
  readonly invocation: Invocation;
}

/** The time a use case leaves before the function's own limit, to answer with an error instead of being cut off. */
const DEADLINE_MARGIN_MS = 1_000;
/** Outside Lambda (no context), as long as API Gateway waits for an integration. */
const DEFAULT_REMAINING_MS = 29_000;

/** middy's own HTTP errors (from its body parser) become ours, so they share the error body and mapping. */
const asAppError = (error: unknown): unknown => {
  const httpError = error as { statusCode?: number; message?: string };
  if (httpError?.statusCode === 415) {
    return new MalformedBodyError(
      httpError.message === 'Unsupported Media Type'
        ? 'The body must be JSON (content-type: application/json)'
        : 'The body is not valid JSON',
    );
  }
  return error;
};

/**
 * The logger of one invocation: its keys and its own Lambda context (function name, request id, ...), set from the
 * invocation's context rather than copied from the process-wide logger, whose context is the one of whichever
 * invocation set it last (concurrent invocations of one process, as on the local server, each set their own).
 */
const invocationLogger = (context: Context | undefined, keys: Readonly<Record<string, string>>): Logger => {
  const log = logger.createChild({ persistentKeys: keys });
  if (context) log.addContext(context);
  return log;
};

/** Maps every error to `{ error: { code, message } }`, logging 5xx with the stack and 4xx as warnings. */
const errorMapper = (): middy.MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    const error = asAppError(request.error);
    const correlationId = correlationIdOf(request.event);
    const status = statusOf(error);
    const log = invocationLogger(request.context, { correlationId });
    if (status >= 500) log.error('request failed', { error: error as Error, status });
    else log.warn('request rejected', { status, reason: (error as Error).message });
    request.response = errorResponse(error, correlationId);
  },
});

/**
 * Publishes the invocation's metrics as EMF when there are any. (Powertools' logMetrics middleware warns on
 * every invocation that added none, which is most reads.)
 */
const publishMetrics = (): middy.MiddlewareObj<Event, Result> => {
  const publish = (): void => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
};

/** Checks the caller's claims and access before anything reads the body: a non-admin gets 403, not a 400. */
const authorize = (auth: RouteAuth): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => {
    if (auth !== 'none') requireAccess(callerFromEvent(request.event, config()), auth);
  },
});

/** Rejects bodies over MAX_BODY_BYTES before they are parsed. */
const bodySizeLimit = (): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => assertBodySize(request.event.body),
});

/** Routes without a body schema ignore the body's content, but a body that is there must still be JSON. */
const ignoredBodyIsJson = (): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => {
    const body = request.event.body;
    if (!body?.trim()) return;
    try {
      JSON.parse(request.event.isBase64Encoded ? Buffer.from(body, 'base64').toString() : body);
    } catch {
      throw new MalformedBodyError('The body is not valid JSON');
    }
  },
});

/** The one middleware stack of every route, JSON or streaming: errors, logging, metrics, auth, body limits. */
export const withStack = <H extends (...args: never[]) => unknown>(
  core: (event: Event, context: Context) => Promise<Result>,
  options: {
    readonly auth: RouteAuth;
    readonly parsesBody: boolean;
    readonly streams: boolean;
    /** Runs before the access check (the streaming routes verify the bearer token here). */
    readonly authenticate?: middy.MiddlewareObj<Event, Result>;
  },
): H => {
  if (options.streams) ensureStreamingRuntime();
  const stack = middy<Event, Result>(core, { streamifyResponse: options.streams })
    .use(errorMapper())
    .use(injectLambdaContext(logger))
    .use(publishMetrics())
    .use(httpHeaderNormalizer());
  if (options.authenticate) stack.use(options.authenticate);
  stack
    .use(authorize(options.auth))
    .use(bodySizeLimit())
    .use(options.parsesBody ? httpJsonBodyParser() : ignoredBodyIsJson());
  return stack as unknown as H;
};

/** The invocation of an authenticated request: caller from the verified claims, deadline from Lambda's clock. */
export const invocationOf = (event: Event, context: Context | undefined): InvocationScope => {
  const correlationId = correlationIdOf(event);
  const caller = callerFromEvent(event, config());
  const remainingMs = context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS;
  return startInvocation({
    caller,
    correlationId,
    log: invocationLogger(context, { tenantId: caller.tenantId, userId: caller.userId, correlationId }),
    deadlineAt: Date.now() + remainingMs - DEADLINE_MARGIN_MS,
  });
};

/** Validates the query, path and body with the row's schemas (path parameters from the raw path on a Function URL). */
export const inputOf = <Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType>(
  spec: RouteDefinition<Q, P, B>,
  event: Event,
  matchPath: (path: string) => Record<string, string> | undefined,
): Omit<RouteInput<Q, P, B>, 'invocation'> => ({
  query: parsePart(spec.query, event.queryStringParameters, 'query'),
  params: parsePart(spec.params, event.pathParameters ?? matchPath(event.rawPath ?? ''), 'path'),
  body: parsePart(spec.body, event.body, 'body'),
});

const jsonResult = (result: HttpResult, correlationId: string, warning: string | undefined): Result => ({
  statusCode: result.statusCode ?? 200,
  headers: {
    'content-type': 'application/json',
    'x-correlation-id': correlationId,
    ...(warning ? { 'x-usage-warning': warning } : {}),
    ...result.headers,
  },
  body: result.body === undefined ? '' : JSON.stringify(result.body),
});

/** A strong validator of a response body: a digest of the JSON a client would receive. */
const etagOf = (body: string): string => `"${createHash('sha1').update(body).digest('base64url')}"`;

/**
 * A GET answer with its ETag; `304 Not Modified` (no body) when the client's If-None-Match already names it, so a
 * frontend can poll cheaply (the digest changes with the data, the job's state and the page asked for).
 */
const conditional = (response: Result, ifNoneMatch: string | undefined): Result => {
  if (response.statusCode !== 200 || typeof response.body !== 'string') return response;
  const etag = etagOf(response.body);
  const headers = { ...response.headers, etag };
  const known = ifNoneMatch?.split(',').map((tag) => tag.trim().replace(/^W\//, '')) ?? [];
  return known.includes(etag) || known.includes('*')
    ? { statusCode: 304, headers, body: '' }
    : { ...response, headers };
};

/** What a JSON route may take besides its row and its run: the guard of an idempotent route. */
export interface JsonRouteOptions {
  /** Keeps the Idempotency-Keys of a route whose row says `idempotent` (built on first use). */
  readonly idempotency?: () => IdempotencyGuard;
}

/**
 * Wraps an authenticated JSON route of the route table: verifies the caller's claims and access, validates query,
 * path and body with the row's zod schemas, runs the route with an Invocation and shapes the JSON response. Every
 * failure goes through one mapping. An idempotent route's request with an Idempotency-Key runs at most once per key:
 * a repeat answers the first status and body (with `idempotency-replayed: true`).
 */
export const jsonRoute = <Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType>(
  spec: RouteDefinition<Q, P, B>,
  run: (input: RouteInput<Q, P, B>) => Promise<HttpResult>,
  options: JsonRouteOptions = {},
): HttpLambdaHandler => {
  const matchPath = pathMatcher(spec.path);
  const { idempotency } = options;
  if (Boolean(spec.idempotent) !== Boolean(idempotency)) {
    throw new Error(`${spec.method} ${spec.path}: an idempotent row and an idempotency guard go together`);
  }
  return withStack<HttpLambdaHandler>(
    async (event, context) => {
      const scope = invocationOf(event, context);
      const input = inputOf(spec, event, matchPath);
      const key = idempotency ? idempotencyKeyOf(event.headers) : undefined;
      const execute = (): Promise<HttpResult> =>
        run({ ...input, invocation: scope.invocation }).finally(() => scope.settle());
      const { result, replayed } =
        idempotency && key
          ? await idempotency().once(
              {
                tenantId: scope.invocation.caller.tenantId,
                userId: scope.invocation.caller.userId,
                route: `${spec.method} ${spec.path}`,
                key,
                payload: { params: input.params ?? null, body: input.body ?? null },
                context,
              },
              execute,
            )
          : { result: await execute(), replayed: false };
      const response = jsonResult(
        replayed ? { ...result, headers: { ...result.headers, 'idempotency-replayed': 'true' } } : result,
        scope.invocation.correlationId,
        scope.warning(),
      );
      return spec.method === 'GET' ? conditional(response, event.headers?.['if-none-match']) : response;
    },
    { auth: spec.auth, parsesBody: spec.body !== undefined, streams: false },
  );
};

/** Wraps a route that needs no caller (health, the OpenAPI document). */
export const publicRoute = (run: () => Promise<HttpResult>): HttpLambdaHandler =>
  withStack<HttpLambdaHandler>(async (event) => jsonResult(await run(), correlationIdOf(event), undefined), {
    auth: 'none',
    parsesBody: false,
    streams: false,
  });
