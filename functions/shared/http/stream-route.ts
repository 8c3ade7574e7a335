import { PassThrough } from 'node:stream';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../config';
import { onceAsync } from '../once';
import { invocationAnnotations, tracing } from '../tracing';
import type * as z from '../zod';
import { asGatewayClaims } from './auth';
import { errorBodyOf, statusOf } from './error-response';
import { inputOf, invocationOf, routeLabel, withStack, type RouteInput } from './pipeline';
import { bodyHandlingOf, pathMatcher, type RouteDefinition } from './route';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/** The Lambda handler every streaming route exports (wrapped by the runtime's `streamifyResponse`). */
export type StreamLambdaHandler = (
  event: Event,
  responseStream: NodeJS.WritableStream,
  context: Context,
) => Promise<void>;

/** A streaming route's input: `send` writes one Server-Sent Event. */
export interface StreamInput<P extends z.core.$ZodType, B extends z.core.$ZodType> extends RouteInput<
  z.core.$ZodType,
  P,
  B
> {
  readonly send: (event: string, data: unknown) => void;
}

/**
 * The issuer's key set (from its OIDC discovery document, or JWKS_URL) and the verifier, loaded once per process with
 * the first request that carries a token to verify.
 */
const verifier = /* @__PURE__ */ onceAsync(async () => {
  const { issuerKeys, verifyBearerToken } = await import('./jwt');
  const cfg = config();
  return { keys: await issuerKeys(cfg.JWT_ISSUER as string, cfg.JWKS_URL), verifyBearerToken };
});

/**
 * A function reached without API Gateway's authorizer (a streaming Function URL) verifies the bearer token itself,
 * by the authorizer's rule (verifyBearerToken), when JWT_ISSUER is configured, and puts the claims where the
 * authorizer would. Without JWT_ISSUER the event's claims are used (the local server, which verified already).
 */
const verifyToken = (): middy.MiddlewareObj<Event, Result> => ({
  before: async (request) => {
    const cfg = config();
    if (!cfg.JWT_ISSUER) return;
    const { keys, verifyBearerToken } = await verifier();
    const payload = await verifyBearerToken(request.event.headers?.authorization, {
      keys,
      issuer: cfg.JWT_ISSUER,
      audience: cfg.JWT_AUDIENCE,
    });
    request.event.requestContext = {
      ...request.event.requestContext,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: asGatewayClaims(payload), scopes: [] } },
    };
  },
});

const sseFrame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Wraps a streaming route: the same stack as the JSON routes (the function verifies the token itself on a Function
 * URL), answered as Server-Sent Events through middy's response streaming, traced until the stream ends. A failure
 * before the first event is an ordinary JSON error response with its status; after it, an `error` event with the
 * same body. The route's result is sent last as the `resultEvent` event, after the deferred writes have settled.
 */
export const streamRoute = <P extends z.core.$ZodType, B extends z.core.$ZodType>(
  spec: RouteDefinition<z.core.$ZodType, P, B>,
  resultEvent: string,
  run: (input: StreamInput<P, B>) => Promise<unknown>,
): StreamLambdaHandler => {
  const matchPath = pathMatcher(spec.path);
  return withStack<StreamLambdaHandler>(
    async (event, context) => {
      const scope = invocationOf(event, context);
      const input = inputOf(spec, event, matchPath);
      // The invocation's subsegment lasts as long as the stream, not as the handler (it returns at the first event).
      const trace = await tracing().startInvocation(routeLabel(spec), invocationAnnotations(scope.invocation));
      const body = new PassThrough();
      let started = false;
      let markStarted: () => void = () => undefined;
      const firstEvent = new Promise<void>((resolve) => (markStarted = resolve));
      const send = (name: string, data: unknown): void => {
        body.write(sseFrame(name, data));
        if (!started) {
          started = true;
          markStarted();
        }
      };
      const finished = run({ ...input, invocation: scope.invocation, send }).then(
        async (result) => {
          await scope.settle();
          send(resultEvent, result);
          body.end();
        },
        async (error: unknown) => {
          await scope.settle();
          if (!started) throw error;
          if (statusOf(error) >= 500) scope.invocation.log.error('stream failed', { error: error as Error });
          body.end(sseFrame('error', errorBodyOf(error)));
        },
      );
      finished.then(
        () => trace.end(),
        (error: unknown) => trace.end(error),
      );
      await Promise.race([firstEvent, finished]);
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-correlation-id': scope.invocation.correlationId,
          ...(scope.warning() ? { 'x-usage-warning': scope.warning() as string } : {}),
        },
        body: body as unknown as string,
      };
    },
    {
      access: spec,
      matchPath,
      body: bodyHandlingOf(spec),
      streams: true,
      authenticate: verifyToken(),
    },
  );
};
