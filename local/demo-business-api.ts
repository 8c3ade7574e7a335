import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sourceEndpoints } from '../functions/shared/business-api/http-business-data';
import { sourceNames, type SourceName } from '../functions/shared/business-api/model';
import { listen } from './listen';

/** Misbehaviour the demo API injects on one path, for tests of the client's resilience. */
export interface DemoFault {
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Answer with this status instead of the fixture (a ProblemDetails body unless `body` is set). */
  readonly status?: number;
  /** Answer with this raw body instead of the fixture (status 200 unless `status` is set). */
  readonly body?: string;
  /** Apply to the next N matching requests only; without it, until cleared. */
  readonly times?: number;
  /** Apply to this tenant's requests only; without it, to every tenant's. */
  readonly tenantId?: string;
}

/** A request as the demo API received it (header names lower-cased by Node). */
export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** A running demo API: one server for both the Account and the Traction paths. */
export interface DemoBusinessApi {
  /** Base URL for both ACCOUNT_API_URL and TRACTION_API_URL. */
  readonly url: string;
  /** Sets (or, with `undefined`, clears) the fault on a path such as `/goals`. */
  setFault(path: string, fault: DemoFault | undefined): void;
  clearFaults(): void;
  /** Serves `tenantId` the fixture of the demo tenant `demoTenantId` (benchmarks run many fresh tenants on it). */
  addTenant(tenantId: string, demoTenantId: string): void;
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

/** Where to listen (default: a free port on 127.0.0.1) and which header names the tenant. */
export interface DemoBusinessApiOptions {
  readonly port?: number;
  readonly tenantHeader?: string;
}

type Fixture = Readonly<Record<SourceName, unknown>>;

const fixturesDir = join(__dirname, 'fixtures', 'business');

const sourceByPath = new Map(sourceNames.map((name) => [sourceEndpoints[name].path, name]));

/** Reads every `<tenantId>.json` fixture; each must hold the response body of all six sources. */
const loadFixtures = async (): Promise<Map<string, Fixture>> => {
  const files = (await readdir(fixturesDir)).filter((file) => file.endsWith('.json'));
  const entries = await Promise.all(
    files.map(async (file) => {
      const fixture = JSON.parse(await readFile(join(fixturesDir, file), 'utf8')) as Partial<Fixture>;
      const missing = sourceNames.filter((name) => !(name in fixture));
      if (missing.length > 0) throw new Error(`Fixture ${file} lacks ${missing.join(', ')}`);
      return [file.slice(0, -'.json'.length), fixture as Fixture] as const;
    }),
  );
  return new Map(entries);
};

const send = (
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'application/json; charset=utf-8',
): void => {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** An ASP.NET Core style ProblemDetails error. */
const sendProblem = (res: ServerResponse, status: number, title: string, detail?: string): void =>
  send(res, status, JSON.stringify({ title, status, detail }), 'application/problem+json; charset=utf-8');

const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Starts a stand-in for the .NET Account and Traction APIs serving the demo tenants in `local/fixtures/business`.
 * Requests need `Authorization: Bearer <anything>` and the tenant header; an unknown tenant gets a 404.
 */
export const startDemoBusinessApi = async (options: DemoBusinessApiOptions = {}): Promise<DemoBusinessApi> => {
  const tenantHeader = options.tenantHeader ?? 'X-Tenant-Id';
  const fixtures = await loadFixtures();
  const faults = new Map<string, DemoFault>();
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();

  /** The fault for this request, if any, counting it against `times`. */
  const takeFault = (path: string, tenantId: string | undefined): DemoFault | undefined => {
    const fault = faults.get(path);
    if (!fault || (fault.tenantId !== undefined && fault.tenantId !== tenantId)) return undefined;
    if (fault.times !== undefined) {
      if (fault.times <= 1) faults.delete(path);
      else faults.set(path, { ...fault, times: fault.times - 1 });
    }
    return fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    requests.push({ path, headers: req.headers, at: Date.now() });
    const tenantId = headerValue(req, tenantHeader);
    const fault = takeFault(path, tenantId);
    if (fault?.delayMs) await delay(fault.delayMs, undefined, { signal: closing.signal });
    if (fault?.status !== undefined || fault?.body !== undefined) {
      const status = fault.status ?? 200;
      return fault.body === undefined ? sendProblem(res, status, 'Injected fault') : send(res, status, fault.body);
    }
    const source = sourceByPath.get(path);
    if (!source) return sendProblem(res, 404, 'Not Found', `No endpoint at ${path}`);
    if (req.method !== 'GET') return sendProblem(res, 405, 'Method Not Allowed');
    if (!/^Bearer \S+/.test(headerValue(req, 'authorization') ?? '')) return sendProblem(res, 401, 'Unauthorized');
    if (!tenantId) return sendProblem(res, 400, 'Bad Request', `The ${tenantHeader} header is required`);
    const fixture = fixtures.get(tenantId);
    if (!fixture) return sendProblem(res, 404, 'Not Found', `Unknown tenant ${tenantId}`);
    return send(res, 200, JSON.stringify(fixture[source]));
  };

  const server = createServer((req, res) => {
    // Only a close() during an injected delay rejects; its connection is being destroyed anyway.
    handle(req, res).catch(() => res.destroy());
  });
  await listen(server, options.port ?? 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setFault: (path, fault) => {
      if (fault) faults.set(path, fault);
      else faults.delete(path);
    },
    clearFaults: () => faults.clear(),
    addTenant: (tenantId, demoTenantId) => {
      const fixture = fixtures.get(demoTenantId);
      if (!fixture) throw new Error(`No demo tenant ${demoTenantId}`);
      fixtures.set(tenantId, fixture);
    },
    requests,
    close: async () => {
      closing.abort();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
};
