import * as path from 'node:path';
import { CfnOutput, Duration, NestedStack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  FunctionUrlAuthType,
  HttpMethod as FunctionUrlMethod,
  InvokeMode,
  type FunctionUrl,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../../functions/shared/http/cors';
import type { RouteDefinition } from '../../functions/shared/http/route';
import { routes, type RouteName } from '../../functions/routes';
import {
  capabilityOf,
  CoachingFunction,
  LOG_RETENTION,
  REPO_ROOT,
  type BusinessApiUrls,
  type RoleGroups,
} from '../function';
import { pascal } from '../names';
import { addServiceEnvironment, grantAll, readsPrompts } from '../permissions';
import type { Data } from './data';
import type { Events } from './events';
import type { Knowledge } from './knowledge';
import type { Workers } from './workers';

/** Stage-wide throttling (requests per second, and the burst bucket); per-tenant limits live in the service. */
const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** The streaming functions' settings a deployment may change (CDK context, bin/deployment.ts). */
export const STREAM_DEFAULTS = {
  /**
   * Streamed turns at once, per streaming function: its reserved concurrency, so a flood at its public URL (every
   * request verifies a JWT before it is refused) is throttled there and cannot take the concurrency the API needs.
   */
  reservedConcurrency: 50,
} as const;

/**
 * A streaming function's timeout: a long streamed turn (the model writing its whole answer at tens of tokens a second,
 * after a summary of the older messages) with room for one fallback model. The turn's deadline is this less the HTTP
 * pipeline's margin (functions/shared/http/pipeline.ts, from Lambda's remaining time), so it is always inside.
 */
export const STREAM_TIMEOUT = Duration.seconds(180);

/**
 * A streaming function's per-attempt model wait (BEDROCK_REQUEST_TIMEOUT_MS: the longest wait for the first token, or
 * silence in a stream): a model that hangs is left in time for the next one inside STREAM_TIMEOUT, instead of the
 * default (120 s) taking most of the turn.
 */
export const STREAM_MODEL_ATTEMPT_TIMEOUT = Duration.seconds(60);

/** One JSON line per request in the access log. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/** What the API needs from the rest of the stack and from the deployment config. */
export interface ApiProps {
  readonly data: Data;
  /** The hand-off bus, for rows with `grants.handoffEvents`. */
  readonly events: Events;
  /** The workers' queues, for rows with `grants.queues`. */
  readonly workers: Workers;
  /** The help articles' knowledge base, for rows with `grants.knowledgeBase`. */
  readonly knowledge: Knowledge;
  /**
   * The JWT issuer URL (`iss`); API Gateway and the streaming functions find its keys at the `jwks_uri` of
   * `<issuer>/.well-known/openid-configuration`.
   */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or `client_id`) values. */
  readonly jwtAudience: readonly string[];
  readonly businessApis: BusinessApiUrls;
  /** Bedrock model or inference profile ids the functions may invoke; the first is the default. */
  readonly bedrockModelIds: readonly string[];
  /** Browser origins allowed to call the API and the streaming URLs; empty disables CORS. */
  readonly corsOrigins: readonly string[];
  /** Each streaming function's reserved concurrency (STREAM_DEFAULTS.reservedConcurrency unless configured). */
  readonly streamReservedConcurrency: number;
  /** The business APIs' client credentials, for rows with `grants.serviceToken`; absent: the dev token is sent. */
  readonly businessApiSecret?: ISecret;
  /** The admin roles' JWT group names, passed to every authenticated route's function; absent: the defaults. */
  readonly roleGroups?: RoleGroups;
}

/**
 * The HTTP API: one function per row of the route table (functions/routes.ts), each granted exactly the row's
 * grants, and one API route per row except the streaming ones. Routes with auth 'user', 'admin' or 'platform-admin'
 * go through the JWT authorizer (the role is enforced in the handler from the verified claims); auth 'none' routes are
 * public. Rows with transport 'stream' are served from a response-streaming Lambda Function URL instead (HTTP APIs
 * buffer Lambda responses), whose function verifies the JWT itself.
 *
 * The API itself (its stage, authorizer, access log and outputs) is in the stack; each row's function, role, policy,
 * log group, route, integration and permissions (seven resources a row) are in a nested stack of the row's capability
 * (the folder of its handler under functions/), so the routes of a new capability get a template of their own and no
 * template nears CloudFormation's 500 resources. The tables, bucket, queues and bus they are granted stay in the
 * stack; CDK passes them in as parameters.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** The API's one stage (`$default`): its metrics are the API's. */
  readonly stage: HttpStage;
  /** The function serving each route, by route name. */
  readonly functions: Readonly<Record<RouteName, CoachingFunction>>;
  /** The Function URL of each streaming row (transport 'stream'), by route name. */
  readonly streamUrls: Readonly<Partial<Record<RouteName, FunctionUrl>>>;
  /** The nested stack holding each capability's route functions and routes, by capability (e.g. `prompt-admin`). */
  readonly stacks: Readonly<Record<string, NestedStack>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Coaching service: insights, prompts and usage for the frontend',
      createDefaultStage: false,
      ...(props.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsOrigins],
              allowMethods: CORS_ALLOW_METHODS.map((method) => CorsHttpMethod[method]),
              allowHeaders: [...CORS_ALLOW_HEADERS],
              exposeHeaders: [...CORS_EXPOSE_HEADERS],
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
    });

    const entries = Object.entries(routes) as [RouteName, RouteDefinition][];
    const streamUrls: Partial<Record<RouteName, FunctionUrl>> = {};
    const stacks: Record<string, NestedStack> = {};
    const stackOf = (route: RouteDefinition): NestedStack => {
      const capability = capabilityOf(path.join(REPO_ROOT, route.handler));
      stacks[capability] ??= new NestedStack(this, pascal(capability), {
        description: `Coaching service: the ${capability} routes (their functions, roles, log groups and API routes)`,
      });
      return stacks[capability];
    };
    this.functions = Object.fromEntries(
      entries.map(([name, route]) => {
        const scope = stackOf(route);
        const fn = this.addFunction(scope, name, route, props);
        if (route.transport === 'stream') streamUrls[name] = this.addStreamUrl(name, route, fn, props);
        else this.addHttpRoute(scope, name, route, fn, jwtAuthorizer);
        return [name, fn];
      }),
    ) as Record<RouteName, CoachingFunction>;
    this.streamUrls = streamUrls;
    this.stacks = stacks;

    new CfnOutput(this, 'Url', { key: 'ApiUrl', value: this.stage.url, description: 'Base URL of the coaching API' });
  }

  /** Creates the row's function with its grants and env, in `scope` (its capability's nested stack). */
  private addFunction(scope: Construct, name: RouteName, route: RouteDefinition, props: ApiProps): CoachingFunction {
    const { grants } = route;
    const isPublic = route.auth === 'none';
    if (isPublic && Object.values(grants).some(Boolean)) {
      throw new Error(`Route ${name} is public (auth 'none') and must not be granted any data or model access`);
    }
    const isStream = route.transport === 'stream';
    if (isStream && isPublic) {
      // A streaming URL has no authorizer in front of it; only the function's own JWT check guards it.
      throw new Error(`Route ${name} streams (transport 'stream') and must be authenticated (auth other than 'none')`);
    }

    const fn = new CoachingFunction(scope, pascal(name), {
      entry: path.join(REPO_ROOT, route.handler),
      description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
      bundlePrompts: readsPrompts(grants),
      ...(isStream ? { timeout: STREAM_TIMEOUT, reservedConcurrentExecutions: props.streamReservedConcurrency } : {}),
    });
    addServiceEnvironment(fn);
    grantAll(fn, grants, {
      data: props.data,
      businessApis: props.businessApis,
      bedrockModelIds: props.bedrockModelIds,
      handoffBus: props.events.handoffBus,
      workerQueues: props.workers.queues,
      knowledgeBase: props.knowledge.knowledgeBase,
      ...(props.businessApiSecret ? { businessApiSecret: props.businessApiSecret } : {}),
    });
    if (isStream) {
      fn.verifyJwt(props.jwtIssuer, props.jwtAudience);
      fn.addEnvironment('BEDROCK_REQUEST_TIMEOUT_MS', String(STREAM_MODEL_ATTEMPT_TIMEOUT.toMilliseconds()));
      // No CORS settings for the code: the Function URL answers preflights and adds the CORS headers (addStreamUrl),
      // and a function that added them too would make browsers see them twice.
    }
    if (!isPublic && props.roleGroups) fn.bindRoleGroups(props.roleGroups);
    return fn;
  }

  /**
   * Routes the row's method and path to its function, behind the JWT authorizer unless the row is public; the route and
   * its integration are made in `scope`, beside the function.
   */
  private addHttpRoute(
    scope: Construct,
    name: RouteName,
    route: RouteDefinition,
    fn: CoachingFunction,
    jwtAuthorizer: HttpJwtAuthorizer,
  ): void {
    const id = pascal(name);
    const isPublic = route.auth === 'none';
    const httpRoute = new HttpRoute(scope, `${id}Route`, {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${id}Integration`, fn),
      authorizer: isPublic ? new HttpNoneAuthorizer() : jwtAuthorizer,
    });
    if (isPublic) {
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          `${route.method} ${route.path} is public by design (auth 'none' in functions/routes.ts: ${route.summary}). ` +
          'Its function has no table, bucket, model or business API access (enforced at synth), so it cannot ' +
          'reveal tenant data.',
      });
    }
  }

  /**
   * Serves a streaming row from a response-streaming Function URL (API Gateway HTTP APIs buffer Lambda responses,
   * so they cannot stream). The URL has no IAM auth: browsers call it with the user's bearer token, which the
   * function verifies itself (issuer, audience, signature against the issuer's JWKS) before doing anything. The URL is
   * beside its function; its output is the stack's, where the frontend reads it.
   */
  private addStreamUrl(name: RouteName, route: RouteDefinition, fn: CoachingFunction, props: ApiProps): FunctionUrl {
    const url = fn.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      ...(props.corsOrigins.length > 0
        ? {
            cors: {
              allowedOrigins: [...props.corsOrigins],
              allowedMethods: [FunctionUrlMethod[route.method]],
              allowedHeaders: [...CORS_ALLOW_HEADERS],
              exposedHeaders: [...CORS_EXPOSE_HEADERS],
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            },
          }
        : {}),
    });
    new CfnOutput(this, `${pascal(name)}Url`, {
      key: `${pascal(name)}Url`,
      value: url.url,
      description: `Function URL serving ${route.method} ${route.path} as Server-Sent Events (response streaming)`,
    });
    return url;
  }
}
