import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet } from 'jose';
import { routes } from '../functions/routes';
import { PayloadTooLargeError, RouteNotFoundError, type FieldProblem } from '../functions/shared/errors';
import { asGatewayClaims } from '../functions/shared/http/auth';
import { errorResponse } from '../functions/shared/http/error-response';
import { verifyBearerToken } from '../functions/shared/http/jwt';
import type { HttpLambdaHandler } from '../functions/shared/http/pipeline';
import type { StreamLambdaHandler } from '../functions/shared/http/stream-route';
import { pathMatcher, type RouteDefinition } from '../functions/shared/http/route';
import { LocalResponseStream } from '../functions/shared/http/streaming-runtime';
import { DEV_SIGN_IN_PATH, serveConsoleFile, type DemoUser } from './console-host';
import { corsAnswer } from './cors';
import { lambdaContext } from './lambda-context';
import { listen } from './listen';
import { responseProblems } from './response-contract';

/** How the local server verifies bearer tokens, like the API Gateway JWT authorizer: issuer, audience, JWKS. */
export interface JwtVerification {
  readonly issuer: string;
  readonly audience: string;
  /** The signing keys (dev key pair), or the URL of a real identity provider's JWKS. */
  readonly jwks: JSONWebKeySet | URL;
}

/** Options of the local HTTP server. */
export interface LocalServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly jwt: JwtVerification;
  /** API Gateway's own payload limit; the functions apply the stricter MAX_BODY_BYTES. */
  readonly maxRequestBytes?: number;
  /** Browser origins allowed to call it (CORS, answered as API Gateway answers it); none by default. */
  readonly corsOrigins?: readonly string[];
  /** The web console: its build folder served at `/`, and the local-only sign-in that mints demo users' tokens. */
  readonly console?: LocalConsole;
}

/** The console as the dev server hosts it (local only: the stack serves it from CloudFront, signs in with OIDC). */
export interface LocalConsole {
  readonly dist: string;
  readonly users: readonly DemoUser[];
  mint(user: DemoUser): Promise<string>;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/**
 * The console's local requests: its files, its config.json (local mode: the API on this origin) and the dev sign-in
 * (GET lists the demo users, POST `{ index }` answers that user's token). Undefined when the request is none of them.
 */
const consoleAnswer = async (
  hosted: LocalConsole,
  method: string,
  pathname: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<APIGatewayProxyStructuredResultV2 | 'sent' | undefined> => {
  if (method === 'GET' && serveConsoleFile(hosted.dist, pathname, response)) return 'sent';
  if (method === 'GET' && pathname === '/config.json')
    return json(200, { mode: 'local', apiUrl: '', streamingUrl: '' });
  if (pathname !== DEV_SIGN_IN_PATH) return undefined;
  if (method === 'GET') return json(200, { users: hosted.users });
  if (method !== 'POST') return undefined;
  const { index } = JSON.parse((await readBody(request, 1024)) ?? '{}') as { index?: unknown };
  const user = typeof index === 'number' ? hosted.users[index] : undefined;
  if (!user) return json(400, { error: { code: 'validation_error', message: 'Pick one of the listed demo users' } });
  return json(200, { token: await hosted.mint(user), user });
};

/** A running local server. */
export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  readonly name: string;
  readonly route: RouteDefinition;
  readonly matchPath: (path: string) => Record<string, string> | undefined;
}

const REPO_ROOT = join(__dirname, '..');
/** Where the dev identity provider publishes its keys (functions that verify tokens themselves read them here). */
export const JWKS_PATH = '/.well-known/jwks.json';

/** A handler module: its `handler` is the Lambda handler, JSON or response-streaming by the row's transport. */
interface RouteModule {
  readonly handler: HttpLambdaHandler | StreamLambdaHandler;
}

const compile = ([name, route]: [string, RouteDefinition]): CompiledRoute => ({
  name,
  route,
  matchPath: pathMatcher(route.path),
});

const compiledRoutes = (Object.entries(routes) as [string, RouteDefinition][]).map(compile);

const match = (
  method: string,
  path: string,
): { compiled: CompiledRoute; pathParameters: Record<string, string> } | undefined => {
  for (const compiled of compiledRoutes) {
    if (compiled.route.method !== method) continue;
    const pathParameters = compiled.matchPath(path);
    if (pathParameters) return { compiled, pathParameters };
  }
  return undefined;
};

/**
 * The request's body, read to its end. A body over `limit` is drained (read and dropped, never kept) before it is
 * refused, so the 413 reaches a client that is still sending instead of a reset connection; leaving the request
 * half-read (or destroying it, as breaking out of its async iterator does) would reset the keep-alive connection.
 */
const readBody = (request: IncomingMessage, limit: number): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => {
      if (size > limit) reject(new PayloadTooLargeError(`The body is larger than ${limit} bytes`));
      else resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });

/**
 * The dev server's answer when a handler's response does not match its route's documented schema: a 500 that names
 * every mismatch (and a line on stderr), so a test or a developer sees the drift at once.
 */
const contractViolation = (
  route: RouteDefinition,
  result: APIGatewayProxyStructuredResultV2,
  problems: readonly FieldProblem[],
  requestId: string,
): APIGatewayProxyStructuredResultV2 => {
  const message = `${route.method} ${route.path} answered ${result.statusCode ?? 200} with a body that does not match its documented schema`;
  process.stderr.write(`dev server: ${message}: ${JSON.stringify(problems)}\n`);
  return {
    statusCode: 500,
    headers: { 'content-type': 'application/json', 'x-correlation-id': requestId },
    body: JSON.stringify({ error: { code: 'response_contract_violation', message, details: { problems } } }),
  };
};

/** Writes a result, with `extraHeaders` (the request's CORS headers) beside its own. */
const send = (
  response: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
  extraHeaders: Readonly<Record<string, string>>,
): void => {
  response.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>), ...extraHeaders });
  response.end(result.body ?? '');
};

/** An error's answer; after an oversized body the connection is closed (`Connection: close`), so the client opens a fresh one. */
const sendError = (
  response: ServerResponse,
  error: unknown,
  requestId: string,
  extraHeaders: Readonly<Record<string, string>>,
): void => {
  const result = errorResponse(error, requestId);
  send(
    response,
    error instanceof PayloadTooLargeError ? { ...result, headers: { ...result.headers, connection: 'close' } } : result,
    extraHeaders,
  );
};

/**
 * Serves the route table over HTTP the way API Gateway (HTTP API, payload v2, JWT authorizer, CORS) does: it answers
 * CORS preflights and adds the CORS headers for `corsOrigins` (local/cors.ts), verifies the bearer token for every
 * route but auth 'none', builds the same event, and invokes the same handler module. Streaming rows are served as
 * Server-Sent Events by the same Lambda handler, through a local response stream (with the same CORS headers).
 */
export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  const keys =
    options.jwt.jwks instanceof URL ? createRemoteJWKSet(options.jwt.jwks) : createLocalJWKSet(options.jwt.jwks);
  const modules = new Map<string, Promise<RouteModule>>();
  const moduleOf = (route: RouteDefinition): Promise<RouteModule> => {
    const existing = modules.get(route.handler);
    if (existing) return existing;
    const loaded = import(join(REPO_ROOT, route.handler)) as Promise<RouteModule>;
    modules.set(route.handler, loaded);
    return loaded;
  };

  const verification = { keys, issuer: options.jwt.issuer, audience: options.jwt.audience };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const method = request.method ?? 'GET';
    const cors = corsAnswer(options.corsOrigins ?? [], method, request.headers);
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (cors.preflight) {
        send(response, { statusCode: 204, headers: cors.preflight }, {});
        return;
      }
      if (method === 'GET' && url.pathname === JWKS_PATH && !(options.jwt.jwks instanceof URL)) {
        send(
          response,
          { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(options.jwt.jwks) },
          cors.headers,
        );
        return;
      }
      const hosted = options.console
        ? await consoleAnswer(options.console, method, url.pathname, request, response)
        : undefined;
      if (hosted === 'sent') return;
      if (hosted) {
        send(response, hosted, cors.headers);
        return;
      }
      const found = match(method, url.pathname);
      if (!found) throw new RouteNotFoundError(`No route ${method} ${url.pathname}`);
      const { compiled, pathParameters } = found;
      const claims =
        compiled.route.auth === 'none'
          ? undefined
          : await verifyBearerToken(request.headers.authorization, verification);
      const body = await readBody(request, options.maxRequestBytes ?? 1024 * 1024);
      // No prototype: a key such as `__proto__` stays a key (as in the event API Gateway builds) instead of vanishing.
      const query: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
      const event = {
        version: '2.0',
        routeKey: `${method} ${compiled.route.path}`,
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([key, value]) => [
            key,
            Array.isArray(value) ? value.join(',') : (value ?? ''),
          ]),
        ),
        queryStringParameters: url.search ? query : undefined,
        pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
        body,
        isBase64Encoded: false,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: 'localhost',
          domainPrefix: 'localhost',
          requestId,
          routeKey: `${method} ${compiled.route.path}`,
          stage: '$default',
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
          http: {
            method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
            userAgent: request.headers['user-agent'] ?? '',
          },
          authorizer: {
            principalId: '',
            integrationLatency: 0,
            jwt: { claims: claims ? asGatewayClaims(claims) : {}, scopes: [] },
          },
        },
      } as APIGatewayProxyEventV2WithJWTAuthorizer;
      const { handler } = await moduleOf(compiled.route);
      const context = lambdaContext(compiled.name, requestId);
      if (compiled.route.transport === 'stream') {
        const stream = new LocalResponseStream(
          (head) => response.writeHead(head.statusCode, { ...head.headers, ...cors.headers }),
          {
            write: (chunk) => void response.write(chunk),
            end: () => void response.end(),
          },
        );
        await (handler as StreamLambdaHandler)(event, stream, context);
        return;
      }
      const result = await (handler as HttpLambdaHandler)(event, context);
      const problems = responseProblems(compiled.route, result);
      send(
        response,
        problems.length === 0 ? result : contractViolation(compiled.route, result, problems, requestId),
        cors.headers,
      );
    } catch (error) {
      sendError(response, error, requestId, cors.headers);
    }
  };

  const server = createServer((request, response) => void serve(request, response));
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
