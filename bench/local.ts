/**
 * What the benchmarks take from the running local stack: the demo tenants, their business data (parsed and raw),
 * and API Gateway v2 events and Lambda contexts shaped like the local server's (local/server.ts). Call these only
 * after `startLocalStack` has set process.env, since they read the service config.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { businessData } from '../functions/shared/adapters';
import { sourceEndpoints } from '../functions/shared/business-api/http-business-data';
import { sourceNames, type BusinessSnapshot, type SourceName } from '../functions/shared/business-api/model';
import type { BusinessData, BusinessDataRequest } from '../functions/shared/business-api/port';
import { config } from '../functions/shared/config';
import { asGatewayClaims } from '../functions/shared/http/auth';
import { startInvocation, type InvocationScope } from '../functions/shared/invocation';
import type { RouteDefinition } from '../functions/shared/http/route';
import { logger } from '../functions/shared/observability';

/** The repository root. */
export const REPO_ROOT = join(__dirname, '..');

/** The bearer token sent to the demo business API, which accepts any. */
const BENCH_TOKEN = 'bench-token';

/** The demo tenants: one per fixture of the demo business API. */
export const demoTenants = async (): Promise<string[]> =>
  (await readdir(join(REPO_ROOT, 'local', 'fixtures', 'business')))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();

/** A business data request on a tenant's behalf. */
export const businessRequest = (tenantId: string): BusinessDataRequest => ({
  tenantId,
  bearerToken: BENCH_TOKEN,
  correlationId: randomUUID(),
  log: logger,
  // The sources' health bookkeeping is not what a bench measures: its writes run on their own, failures logged.
  defer: (write, describe) =>
    void write.catch((error: unknown) => logger.warn('background write failed', { ...describe, error })),
});

/** A tenant's parsed snapshot, read from the demo business API. Fails when a source is missing. */
export const fetchSnapshot = async (tenantId: string): Promise<BusinessSnapshot> => {
  const snapshot = await businessData().snapshot(businessRequest(tenantId));
  if (snapshot.gaps.length > 0) throw new Error(`${tenantId}: gaps in the demo data: ${JSON.stringify(snapshot.gaps)}`);
  return snapshot;
};

/** A tenant's six response bodies exactly as the demo business API sends them (JSON-parsed, not validated). */
export const fetchRawSources = async (tenantId: string): Promise<Record<SourceName, unknown>> => {
  const cfg = config();
  const entries = await Promise.all(
    sourceNames.map(async (name) => {
      const { service, path } = sourceEndpoints[name];
      const base = service === 'account' ? cfg.ACCOUNT_API_URL : cfg.TRACTION_API_URL;
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, [cfg.TENANT_HEADER]: tenantId },
      });
      if (!response.ok) throw new Error(`${tenantId} ${path}: HTTP ${response.status}`);
      return [name, await response.json()] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<SourceName, unknown>;
};

/** The invocation the HTTP pipeline builds for a caller (see functions/shared/http/pipeline.ts). */
export const benchInvocation = (tenantId: string, userId: string): InvocationScope => {
  const correlationId = randomUUID();
  return startInvocation({
    caller: { tenantId, userId, isAdmin: false, isPlatformAdmin: false, isService: false, bearerToken: BENCH_TOKEN },
    correlationId,
    log: logger.createChild({ persistentKeys: { tenantId, userId, correlationId } }),
    deadlineAt: Date.now() + 29_000,
  });
};

/** The claims of a JWT as API Gateway hands them to the function: arrays become "[a b]" strings. */
export const gatewayClaims = (token: string): Record<string, string | number | boolean> =>
  asGatewayClaims(decodeJwt(token));

/** An API Gateway (HTTP API, payload v2, JWT authorizer) event for a route without path parameters or body. */
export const gatewayEvent = (
  route: RouteDefinition,
  token: string,
  claims: Record<string, string | number | boolean>,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const requestId = randomUUID();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: route.path,
    rawQueryString: '',
    headers: { authorization: `Bearer ${token}`, host: 'localhost', 'user-agent': 'bench' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId,
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: { method: route.method, path: route.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  };
};

/** Business data that answers a snapshot fetched beforehand, at once. */
export class InMemoryBusinessData implements BusinessData {
  constructor(private readonly prefetched: BusinessSnapshot) {}

  async snapshot(): Promise<BusinessSnapshot> {
    return this.prefetched;
  }
}
