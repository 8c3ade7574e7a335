import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../zod';
import { config } from '../config';
import { logger, metrics } from '../observability';
import { PendingWrites } from '../pending-writes';
import { callerFromEvent, requireAccess, type Caller, type RouteAuth } from './auth';
import type { RouteDefinition } from './route';
import { errorResponse, statusOf } from './error-response';
import { assertBodySize, correlationIdOf, parsePart } from './request';
import { MalformedBodyError } from './errors';

/** What a request handler sees: the verified caller, the correlation id and a logger bound to both. */
export interface RequestContext {
  readonly caller: Caller;
  readonly correlationId: string;
  readonly log: Logger;
  /** Headers services add to the response (e.g. a usage warning); the route's own headers win. */
  readonly responseHeaders: Map<string, string>;
  /** Writes started off the critical path (metering); settled before the response is returned. */
  readonly pending: PendingWrites;
}

/** What a route returns; the body is serialized as JSON. */
export interface HttpResult {
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The parsed request a route receives. */
export interface RouteInput<Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType> {
  readonly query: z.output<Q>;
  readonly params: z.output<P>;
  readonly body: z.output<B>;
  readonly ctx: RequestContext;
}

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;
/** The Lambda handler type every HTTP route exports. */
export type HttpLambdaHandler = (event: Event, context: Context) => Promise<Result>;

const jsonResult = (result: HttpResult, correlationId: string): Result => ({
  statusCode: result.statusCode ?? 200,
  headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...result.headers },
  body: result.body === undefined ? '' : JSON.stringify(result.body),
});

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

/** Rejects bodies over MAX_BODY_BYTES before they are parsed. */
const bodySizeLimit = (): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => assertBodySize(request.event.body),
});

/** Maps every error to `{ error: { code, message } }`, logging 5xx with the stack and 4xx as warnings. */
const errorMapper = (): middy.MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    const error = asAppError(request.error);
    const correlationId = correlationIdOf(request.event);
    const status = statusOf(error);
    const log = logger.createChild({ persistentKeys: { correlationId } });
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

/** Checks the caller's claims and access before anything reads the body: a non-admin gets 403, not a 400. */
const authorize = (auth: RouteAuth): middy.MiddlewareObj<Event, Result> => ({
  before: (request) => {
    if (auth !== 'none') requireAccess(callerFromEvent(request.event, config()), auth);
  },
});

const withStack = (
  core: (event: Event) => Promise<Result>,
  auth: RouteAuth,
  parsesBody: boolean,
): HttpLambdaHandler => {
  const stack = middy<Event, Result>(core)
    .use(errorMapper())
    .use(injectLambdaContext(logger))
    .use(publishMetrics())
    .use(httpHeaderNormalizer())
    .use(authorize(auth))
    .use(bodySizeLimit())
    .use(parsesBody ? httpJsonBodyParser() : ignoredBodyIsJson());
  return stack;
};

/**
 * Wraps an authenticated route of the route table: verifies the caller's claims and access, validates query, path
 * and body with the row's zod schemas, runs the route and shapes the JSON response. Every failure goes through one
 * mapping.
 */
export const httpRoute = <Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType>(
  spec: RouteDefinition<Q, P, B>,
  run: (input: RouteInput<Q, P, B>) => Promise<HttpResult>,
): HttpLambdaHandler =>
  withStack(
    async (event) => {
      const correlationId = correlationIdOf(event);
      const caller = callerFromEvent(event, config());
      const log = logger.createChild({
        persistentKeys: { tenantId: caller.tenantId, userId: caller.userId, correlationId },
      });
      const responseHeaders = new Map<string, string>();
      const pending = new PendingWrites();
      const input: RouteInput<Q, P, B> = {
        query: parsePart(spec.query, event.queryStringParameters, 'query'),
        params: parsePart(spec.params, event.pathParameters, 'path'),
        body: parsePart(spec.body, event.body, 'body'),
        ctx: { caller, correlationId, log, responseHeaders, pending },
      };
      const result = await run(input).finally(() => pending.settle());
      return jsonResult(
        { ...result, headers: { ...Object.fromEntries(responseHeaders), ...result.headers } },
        correlationId,
      );
    },
    spec.auth,
    spec.body !== undefined,
  );

/** Wraps a route that needs no caller (health, the OpenAPI document). */
export const publicRoute = (run: () => Promise<HttpResult>): HttpLambdaHandler =>
  withStack(async (event) => jsonResult(await run(), correlationIdOf(event)), 'none', false);
