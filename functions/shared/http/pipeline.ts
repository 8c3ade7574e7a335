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
import { logger, publishStoredMetrics } from '../observability';
import { callerFromEvent, requireAccess, type RouteAccess } from './auth';
import { errorResponse, statusOf } from './error-response';
import { idempotencyKeyOf, type IdempotencyGuard } from './idempotency';
import { assertBodyDepth, assertBodySize, correlationIdOf, parsePart } from './request';
import { bodyHandlingOf, pathMatcher, type BodyHandling, type RouteDefinition } from './route';
import { TextFile } from '../text-file';
import { invocationAnnotations, traceInvocation } from '../tracing';
import { ensureStreamingRuntime } from './streaming-runtime';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/** The Lambda handler every JSON route exports. */
export type HttpLambdaHandler = (event: Event, context: Context) => Promise<Result>;

/** What a route returns: a body serialized as JSON, or a TextFile sent as it is, as an attachment. */
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
export const DEADLINE_MARGIN_MS = 1_000;
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

/** Publishes the invocation's metrics as EMF when there are any. */
const publishMetrics = (): middy.MiddlewareObj<Event, Result> => ({
  after: publishStoredMetrics,
  onError: publishStoredMetrics,
});

/** The path parameters of a request: API Gateway's, or from the raw path on a Function URL. */
const pathParametersOf = (
  event: Event,
  matchPath: (path: string) => Record<string, string> | undefined,
): Record<string, string | undefined> | undefined => event.pathParameters ?? matchPath(event.rawPath ?? '');

/**
 * Checks the caller's claims and the route's access rule before anything reads the body: a caller without the role
 * (or a tenant's admin acting on another tenant) gets 403, not a 400.
 */
const authorize = (
  access: RouteAccess,
  matchPath: (path: string) => Record<string, string> | undefined,
): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => {
    if (access.auth === 'none') return;
    requireAccess(
      callerFromEvent(request.event, config()),
      access,
      pathParametersOf(request.event, matchPath),
      request.event.queryStringParameters ?? {},
    );
  },
});

/** Rejects bodies over MAX_BODY_BYTES, or nested deeper than MAX_JSON_DEPTH, before they are parsed. */
const bodyLimits = (): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => {
    assertBodySize(request.event.body);
    assertBodyDepth(request.event);
  },
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
    readonly access: RouteAccess;
    /** The route's path matcher (path parameters where API Gateway gives none: a Function URL). */
    readonly matchPath: (path: string) => Record<string, string> | undefined;
    readonly body: BodyHandling;
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
  stack.use(authorize(options.access, options.matchPath));
  if (options.body !== 'none') {
    stack.use(bodyLimits()).use(options.body === 'parsed' ? httpJsonBodyParser() : ignoredBodyIsJson());
  }
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

/** A route as its invocation's trace names it: `POST /insights/:id/dismiss` (X-Ray names take no braces). */
export const routeLabel = (spec: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${spec.method} ${spec.path.replace(/\{(\w+)\}/g, ':$1')}`;

/** Validates the query, path and body with the row's schemas (path parameters from the raw path on a Function URL). */
export const inputOf = <Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType>(
  spec: RouteDefinition<Q, P, B>,
  event: Event,
  matchPath: (path: string) => Record<string, string> | undefined,
): Omit<RouteInput<Q, P, B>, 'invocation'> => ({
  query: parsePart(spec.query, event.queryStringParameters, 'query'),
  params: parsePart(spec.params, pathParametersOf(event, matchPath), 'path'),
  body: parsePart(spec.body, event.body, 'body'),
});

/** RFC 5987 encoding of a header parameter: percent-encoded UTF-8, with the characters it reserves encoded too. */
const extendedValue = (value: string): string =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The Content-Disposition of a file (RFC 6266): an ASCII-safe `filename`, and the exact name as `filename*`. */
const attachment = (fileName: string): string =>
  `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${extendedValue(fileName)}`;

/** The body and its headers: a TextFile as it is, with its media type, as an attachment; anything else as JSON. */
const encodedBody = (body: unknown): { headers: Record<string, string>; body: string } =>
  body instanceof TextFile
    ? { headers: { 'content-type': body.mediaType, 'content-disposition': attachment(body.fileName) }, body: body.text }
    : { headers: { 'content-type': 'application/json' }, body: body === undefined ? '' : JSON.stringify(body) };

const responseOf = (result: HttpResult, correlationId: string, warning: string | undefined): Result => {
  const encoded = encodedBody(result.body);
  return {
    statusCode: result.statusCode ?? 200,
    headers: {
      ...encoded.headers,
      'x-correlation-id': correlationId,
      ...(warning ? { 'x-usage-warning': warning } : {}),
      ...result.headers,
    },
    body: encoded.body,
  };
};

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
 * path and body with the row's zod schemas, runs the route with an Invocation (traced as the invocation's subsegment,
 * annotated with its tenant and correlation id) and shapes the response (JSON, or the TextFile the route returned).
 * Every failure goes through one mapping. An idempotent route's request with an Idempotency-Key runs at most once per
 * key: a repeat answers the first status and body (with `idempotency-replayed: true`).
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
      const { result, replayed } = await traceInvocation(
        routeLabel(spec),
        invocationAnnotations(scope.invocation),
        async () =>
          idempotency && key
            ? idempotency().once(
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
            : { result: await execute(), replayed: false },
      );
      const response = responseOf(
        replayed ? { ...result, headers: { ...result.headers, 'idempotency-replayed': 'true' } } : result,
        scope.invocation.correlationId,
        scope.warning(),
      );
      return spec.method === 'GET' ? conditional(response, event.headers?.['if-none-match']) : response;
    },
    { access: spec, matchPath, body: bodyHandlingOf(spec), streams: false },
  );
};

/**
 * Wraps a route that needs no caller (health, the OpenAPI document): the same stack, query check and conditional
 * GET as every route, without claims or an invocation.
 */
export const publicRoute = (spec: RouteDefinition, run: () => Promise<HttpResult>): HttpLambdaHandler =>
  withStack<HttpLambdaHandler>(
    async (event) => {
      parsePart(spec.query, event.queryStringParameters, 'query');
      const response = responseOf(await run(), correlationIdOf(event), undefined);
      return spec.method === 'GET' ? conditional(response, event.headers?.['if-none-match']) : response;
    },
    { access: spec, matchPath: () => undefined, body: bodyHandlingOf(spec), streams: false },
  );
