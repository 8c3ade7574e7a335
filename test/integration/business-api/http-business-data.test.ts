import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HttpBusinessData,
  sourceEndpoints,
  type HttpBusinessDataOptions,
} from '../../../functions/shared/business-api/http-business-data';
import { sourceNames } from '../../../functions/shared/business-api/model';
import type { BusinessDataRequest } from '../../../functions/shared/business-api/port';
import { PowertoolsTracing } from '../../../functions/shared/tracing';
import { startDemoBusinessApi, type DemoBusinessApi } from '../../../local/demo-business-api';
import { Tracer } from '../../support/fake-tracer';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.demo.signature';
const demoTenants = ['acme-plumbing', 'brightside-dental', 'northwind-saas'];

let api: DemoBusinessApi;

beforeAll(async () => {
  api = await startDemoBusinessApi();
});
afterEach(() => api.clearFaults());
afterAll(() => api.close());

const clientFor = (options: Partial<HttpBusinessDataOptions> = {}): HttpBusinessData =>
  new HttpBusinessData({
    accountApiUrl: api.url,
    tractionApiUrl: api.url,
    timeoutMs: 1000,
    tenantHeader: 'X-Tenant-Id',
    ...options,
  });

type RecordingLog = { readonly [K in keyof BusinessDataRequest['log']]: jest.Mock };

const requestFor = (tenantId = 'acme-plumbing'): BusinessDataRequest & { readonly log: RecordingLog } => ({
  tenantId,
  bearerToken: TOKEN,
  correlationId: randomUUID(),
  log: { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() },
  defer: jest.fn(),
});

/** The requests the demo API received for one snapshot call, told apart by correlation id. */
const receivedFor = (request: BusinessDataRequest, path?: string): DemoBusinessApi['requests'] =>
  api.requests.filter(
    (received) =>
      received.headers['x-correlation-id'] === request.correlationId && (path === undefined || received.path === path),
  );

/** A base URL where nothing listens. */
const closedPortUrl = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
};

describe('HttpBusinessData against the demo business API', () => {
  it.each(demoTenants)('reads all six sources of %s cleanly', async (tenantId) => {
    const request = requestFor(tenantId);

    const snapshot = await clientFor().snapshot(request);

    expect(snapshot).toMatchObject({ tenantId, gaps: [], dropped: {} });
    expect(sourceNames.filter((name) => snapshot[name] === undefined)).toEqual([]);
    expect(request.log.warn).not.toHaveBeenCalled();
  });

  it('unwraps envelopes and normalizes .NET casing and ids', async () => {
    const snapshot = await clientFor().snapshot(requestFor('brightside-dental'));

    expect(snapshot.goals?.find((goal) => goal.id === '302')).toMatchObject({ status: 'at_risk', progress: 55 });
    expect(snapshot.performance).toMatchObject({ overallScore: 71, trend: 'flat' });
    expect(snapshot.actions?.map((action) => action.goalId)).toContain('304');
  });

  it('fetches only the sources asked for', async () => {
    const request = requestFor();

    const snapshot = await clientFor().snapshot(request, ['goals', 'issues']);

    expect(
      receivedFor(request)
        .map((received) => received.path)
        .sort(),
    ).toEqual(['/api/operations/issues', '/goals']);
    expect(snapshot.goals).toBeDefined();
    expect(snapshot.foundation).toBeUndefined();
    expect(snapshot.gaps).toEqual([]);
  });

  it('forwards the bearer token, tenant, correlation id and accept header to every endpoint', async () => {
    const request = requestFor('northwind-saas');

    await clientFor().snapshot(request);

    const received = receivedFor(request);
    const paths = Object.values(sourceEndpoints).map(({ path }) => path);
    expect(received.map(({ path }) => path).sort()).toEqual(paths.sort());
    for (const { headers } of received) {
      expect(headers).toMatchObject({
        authorization: `Bearer ${TOKEN}`,
        'x-tenant-id': 'northwind-saas',
        'x-correlation-id': request.correlationId,
        accept: 'application/json',
      });
    }
  });

  it('sends the tenant in the configured header', async () => {
    const custom = await startDemoBusinessApi({ tenantHeader: 'X-Business-Id' });
    const client = clientFor({ accountApiUrl: custom.url, tractionApiUrl: custom.url, tenantHeader: 'X-Business-Id' });

    const snapshot = await client.snapshot(requestFor('northwind-saas')).finally(() => custom.close());

    expect(snapshot.gaps).toEqual([]);
    expect(custom.requests[0]?.headers['x-business-id']).toBe('northwind-saas');
  });

  it('retries a source that fails with 500 once and returns its data', async () => {
    api.setFault('/goals', { status: 500, times: 1 });
    const request = requestFor();

    const snapshot = await clientFor().snapshot(request);

    expect(receivedFor(request, '/goals')).toHaveLength(2);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.goals).toHaveLength(6);
  });

  it('reports a source that fails with 5xx twice as an http_error gap and keeps the others', async () => {
    api.setFault('/goals/stats', { status: 503 });
    const request = requestFor();

    const snapshot = await clientFor().snapshot(request);

    expect(receivedFor(request, '/goals/stats')).toHaveLength(2);
    expect(snapshot.gaps).toEqual([{ source: 'goalStats', reason: 'http_error', status: 503 }]);
    expect(snapshot.goalStats).toBeUndefined();
    expect(sourceNames.filter((name) => snapshot[name] !== undefined)).toEqual(
      sourceNames.filter((name) => name !== 'goalStats'),
    );
    expect(request.log.warn).toHaveBeenCalledWith(
      'Business API source failed',
      expect.objectContaining({
        source: 'goalStats',
        reason: 'http_error',
        status: 503,
        latencyMs: expect.any(Number),
      }),
    );
  });

  it('reports a 404 as a not_found gap (no records for the tenant), without retrying', async () => {
    api.setFault('/performance/score', { status: 404 });
    const request = requestFor();

    const snapshot = await clientFor().snapshot(request);

    expect(receivedFor(request, '/performance/score')).toHaveLength(1);
    expect(snapshot.gaps).toEqual([{ source: 'performance', reason: 'not_found', status: 404 }]);
  });

  it('reports a body that is not JSON as an invalid_response gap without retrying', async () => {
    api.setFault('/api/operations/actions', { body: '<html><body><h1>Service Unavailable</h1></body></html>' });
    const request = requestFor();

    const snapshot = await clientFor().snapshot(request);

    expect(receivedFor(request, '/api/operations/actions')).toHaveLength(1);
    expect(snapshot.gaps).toEqual([{ source: 'actions', reason: 'invalid_response' }]);
  });

  it('reports JSON of the wrong shape as an invalid_response gap', async () => {
    api.setFault('/api/operations/issues', { body: JSON.stringify({ message: 'An error has occurred.' }) });

    const snapshot = await clientFor().snapshot(requestFor());

    expect(snapshot.gaps).toEqual([{ source: 'issues', reason: 'invalid_response' }]);
  });

  it('counts and logs values dropped for having the wrong type', async () => {
    const goals = [
      { id: 1, title: 'Grow maintenance plans', progress: '45%' },
      { id: 2, status: 'OnTrack' },
    ];
    api.setFault('/goals', { body: JSON.stringify({ data: goals }) });
    const request = requestFor();

    const snapshot = await clientFor().snapshot(request);

    expect(snapshot.goals).toEqual([{ id: '1', title: 'Grow maintenance plans' }]);
    expect(snapshot.dropped).toEqual({ goals: 2 });
    expect(request.log.warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ source: 'goals', dropped: ['goals[0].progress', 'goals[1]'] }),
    );
  });

  it('reports a source slower than the timeout as a timeout gap after one retry', async () => {
    api.setFault('/api/operations/issues', { delayMs: 600 });
    const request = requestFor();

    const snapshot = await clientFor({ timeoutMs: 200 }).snapshot(request);

    expect(receivedFor(request, '/api/operations/issues')).toHaveLength(2);
    expect(snapshot.gaps).toEqual([{ source: 'issues', reason: 'timeout' }]);
    expect(snapshot.actions).toBeDefined();
  });

  it('fetches the sources in parallel', async () => {
    Object.values(sourceEndpoints).forEach(({ path }) => api.setFault(path, { delayMs: 300 }));
    const started = performance.now();

    const snapshot = await clientFor().snapshot(requestFor());

    expect(performance.now() - started).toBeLessThan(800);
    expect(snapshot.gaps).toEqual([]);
  });

  it('reports every source as a not_found gap for an unknown tenant', async () => {
    const snapshot = await clientFor().snapshot(requestFor('globex-corp'));

    expect(snapshot.gaps).toEqual(sourceNames.map((source) => ({ source, reason: 'not_found', status: 404 })));
    expect(sourceNames.filter((name) => snapshot[name] !== undefined)).toEqual([]);
  });

  it("serves a tenant added as a demo tenant's copy with that tenant's data, and refuses an unknown demo tenant", async () => {
    api.addTenant('acme-plumbing-copy-1', 'acme-plumbing');

    const copy = await clientFor().snapshot(requestFor('acme-plumbing-copy-1'));
    const original = await clientFor().snapshot(requestFor('acme-plumbing'));

    expect(copy.gaps).toEqual([]);
    expect(copy.tenantId).toBe('acme-plumbing-copy-1');
    expect(copy.foundation).toEqual(original.foundation);
    expect(copy.goals).toEqual(original.goals);
    expect(() => api.addTenant('globex-copy', 'globex-corp')).toThrow('No demo tenant globex-corp');
  });

  it('reports unreachable sources as network_error gaps after one retry', async () => {
    const client = clientFor({ tractionApiUrl: await closedPortUrl() });
    const request = requestFor();

    const snapshot = await client.snapshot(request);

    expect(snapshot.foundation).toBeDefined();
    expect(snapshot.gaps).toEqual(
      sourceNames.filter((name) => name !== 'foundation').map((source) => ({ source, reason: 'network_error' })),
    );
    expect(request.log.warn).toHaveBeenCalledWith(
      'Business API source failed',
      expect.objectContaining({ source: 'goals', reason: 'network_error', attempts: 2 }),
    );
  });

  it('reports the sources of a service without a base URL as network_error gaps without calling it', async () => {
    const request = requestFor();

    const snapshot = await clientFor({ accountApiUrl: undefined }).snapshot(request);

    expect(snapshot.gaps).toEqual([{ source: 'foundation', reason: 'network_error' }]);
    expect(receivedFor(request, '/business/foundation')).toEqual([]);
    expect(snapshot.goals).toBeDefined();
  });

  it('records latency for every source and a failure for each gap', async () => {
    api.setFault('/goals', { status: 500 });
    const metrics = { addMetric: jest.fn() };

    await clientFor({ metrics }).snapshot(requestFor());

    const names = metrics.addMetric.mock.calls.map(([name]) => name as string);
    expect(names.filter((name) => name.endsWith('.Latency')).sort()).toEqual(
      sourceNames.map((source) => `BusinessApi.${source}.Latency`).sort(),
    );
    expect(metrics.addMetric).toHaveBeenCalledWith('BusinessApi.goals.Failure', 'Count', 1);
    expect(names.filter((name) => name.endsWith('.Failure'))).toEqual(['BusinessApi.goals.Failure']);
  });
});

describe('HttpBusinessData in a trace', () => {
  /** A client whose reads are traced, with an invocation open: the spans land under its subsegment. */
  const traced = async (options: Partial<HttpBusinessDataOptions> = {}) => {
    const tracer = new Tracer({ serviceName: 'coaching-service' });
    const tracing = new PowertoolsTracing(tracer);
    await tracing.startInvocation('job', { tenantId: 'acme-plumbing' });
    return { client: clientFor({ ...options, tracing }), invocation: tracer.getSegment() };
  };

  it('reads each source in a span of its own under the invocation, closed once it has answered', async () => {
    const { client, invocation } = await traced();

    await client.snapshot(requestFor());

    expect(invocation.subsegments.map((span) => [span.name, span.closed, span.faultFlag]).sort()).toEqual(
      sourceNames.map((name) => [`BusinessApi ${name}`, true, false]).sort(),
    );
    expect(invocation.find('BusinessApi goals').annotations).toEqual({ source: 'goals', attempts: 1, outcome: 'ok' });
  });

  it('closes the span of a failing source marked failed, with its status and both attempts; a 404 is not a failure', async () => {
    api.setFault('/goals/stats', { status: 503 });
    api.setFault('/performance/score', { status: 404 });
    const { client, invocation } = await traced();

    const snapshot = await client.snapshot(requestFor());

    expect(snapshot.gaps).toHaveLength(2);
    expect(invocation.find('BusinessApi goalStats')).toMatchObject({
      annotations: { source: 'goalStats', attempts: 2, outcome: 'http_error', status: 503 },
      closed: true,
      faultFlag: true,
    });
    expect(invocation.find('BusinessApi performance')).toMatchObject({
      annotations: { outcome: 'not_found', status: 404 },
      closed: true,
      faultFlag: false,
    });
  });

  it('closes the span of a source that timed out, marked failed', async () => {
    api.setFault('/api/operations/issues', { delayMs: 300 });
    const { client, invocation } = await traced({ timeoutMs: 100 });

    await client.snapshot(requestFor(), ['issues']);

    expect(invocation.find('BusinessApi issues')).toMatchObject({
      annotations: { outcome: 'timeout', attempts: 2 },
      closed: true,
      faultFlag: true,
    });
  });
});
