import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../../package.json';
import { openApiDocument } from '../../../local/openapi';
import { routes } from '../../../functions/routes';
import { ERROR_CODES } from '../../../functions/shared/errors';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routeErrors } from '../../../functions/shared/http/route-errors';

type Operation = {
  responses: Record<string, { content?: Record<string, { schema: { allOf?: unknown[] } }>; headers?: object }>;
};

/** The codes an operation's response documents under one status. */
const documentedCodes = (operation: Operation, status: string): unknown => {
  const [, narrowed] = operation.responses[status]?.content?.['application/json']?.schema.allOf ?? [];
  return (narrowed as { properties: { error: { properties: { code: { enum: string[] } } } } } | undefined)?.properties
    .error.properties.code.enum;
};

/** Every object schema of a document, at any depth. */
const schemasIn = (value: unknown): Record<string, unknown>[] =>
  value === null || typeof value !== 'object'
    ? []
    : [
        ...(!Array.isArray(value) && 'type' in value ? [value as Record<string, unknown>] : []),
        ...Object.values(value).flatMap(schemasIn),
      ];

describe('the OpenAPI document', () => {
  const document = openApiDocument(version) as { paths: Record<string, Record<string, { security?: unknown[] }>> };

  it('has one operation per row of the route table', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));

    expect(operations).toHaveLength(Object.keys(routes).length);
  });

  it('marks only the public routes as needing no token', () => {
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(document.paths['/insights']?.get?.security).toBeUndefined();
  });

  it('documents the job flow: 202 with a Location, 304 with If-None-Match on reads, 504 where a model answers', () => {
    const operation = (path: string, method: string) =>
      (document.paths[path]?.[method] ?? {}) as {
        parameters?: { name: string; in: string }[];
        responses?: Record<string, { headers?: Record<string, unknown> }>;
      };

    const refresh = operation('/insights/refresh', 'post');
    const list = operation('/insights', 'get');
    const job = operation('/insight-jobs/{jobId}', 'get');

    expect(Object.keys(refresh.responses?.['202']?.headers ?? {})).toEqual(['Location']);
    expect(list.parameters).toContainEqual(expect.objectContaining({ name: 'If-None-Match', in: 'header' }));
    expect(list.responses?.['304']?.headers).toHaveProperty('ETag');
    expect(list.responses).not.toHaveProperty('504');
    expect(job.responses).toHaveProperty('404');
    expect(operation('/conversations/{id}/messages', 'post').responses).toHaveProperty('504');
  });

  it('documents the files a route may answer with: the usage report as CSV, with its Content-Disposition', () => {
    type Operation = { responses: Record<string, { headers?: Record<string, unknown>; content?: object }> };
    const report = document.paths['/admin/usage']?.get as unknown as Operation;
    const insights = document.paths['/insights']?.get as unknown as Operation;

    expect(Object.keys(report.responses['200']?.content ?? {})).toEqual(['application/json', 'text/csv']);
    expect(report.responses['200']?.headers).toHaveProperty('Content-Disposition');
    expect(Object.keys(insights.responses['200']?.content ?? {})).toEqual(['application/json']);
    expect(insights.responses['200']?.headers).not.toHaveProperty('Content-Disposition');
  });

  it('states the role every operation needs, and a 403 on the admin ones', () => {
    const operation = (path: string, method: string) =>
      (document.paths[path]?.[method] ?? {}) as {
        description?: string;
        'x-required-role'?: string;
        responses?: Record<string, unknown>;
      };

    for (const route of Object.values(routes)) {
      const documented = operation(route.path, route.method.toLowerCase());
      const isAdminRoute = route.auth === 'admin' || route.auth === 'platform-admin';
      expect(documented['x-required-role']).toBe(route.auth === 'none' ? undefined : route.auth);
      expect(documented.description).toContain(route.auth === 'none' ? 'Public' : `\`${route.auth}\``);
      expect(Object.keys(documented.responses ?? {}).includes('403')).toBe(isAdminRoute);
    }
    expect(operation('/admin/prompts', 'get')['x-required-role']).toBe('platform-admin');
    expect(operation('/admin/tenants/{id}/limits', 'get')).toMatchObject({
      'x-required-role': 'admin',
      description: expect.stringContaining('`{id}`'),
    });
  });

  it('is committed up to date in docs/openapi.json (run `npm run openapi` after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../docs/openapi.json'), 'utf8'));

    expect(committed).toEqual(document);
  });

  it('lists every status a route can answer, each with exactly its codes, and Retry-After where a code sets it', () => {
    for (const [name, route] of Object.entries(routes) as [string, RouteDefinition][]) {
      const operation = (document.paths[route.path] as Record<string, Operation>)[route.method.toLowerCase()];
      for (const [status, codes] of routeErrors(route)) {
        expect({ name, status, codes: documentedCodes(operation as Operation, String(status)) }).toEqual({
          name,
          status,
          codes,
        });
        const retryAfter = codes.some((code) => 'retryAfter' in ERROR_CODES[code]);
        expect(Object.keys(operation?.responses[String(status)]?.headers ?? {})).toEqual(
          retryAfter ? ['Retry-After'] : [],
        );
      }
    }
  });

  it('documents every code an API response can carry on some operation', () => {
    const documented = new Set(
      Object.values(document.paths).flatMap((methods) =>
        Object.values(methods as Record<string, Operation>).flatMap((operation) =>
          Object.keys(operation.responses).flatMap((status) => (documentedCodes(operation, status) as string[]) ?? []),
        ),
      ),
    );
    // The dev server's own codes, and the reasons only a job records.
    const notFromRoutes = [
      'route_not_found',
      'response_contract_violation',
      'invalid_output',
      'model_failed',
      'not_queued',
    ];

    expect(Object.keys(ERROR_CODES).filter((code) => !documented.has(code))).toEqual(notFromRoutes);
  });

  it('gives details one schema, ErrorDetails, and every enum-keyed count map its properties', () => {
    const { components } = document as unknown as {
      components: { schemas: { Error: { properties: { error: { properties: { details: unknown } } } } } };
    };
    const withUndefinedRequired = schemasIn(document).filter((schema) =>
      ((schema.required as string[] | undefined) ?? []).some(
        (key) => !Object.hasOwn((schema.properties as object | undefined) ?? {}, key),
      ),
    );

    expect(components.schemas.Error.properties.error.properties.details).toEqual({
      $ref: '#/components/schemas/ErrorDetails',
    });
    expect(withUndefinedRequired).toEqual([]);
  });

  it('names its servers and its license', () => {
    const { servers, info } = document as unknown as { servers: unknown[]; info: { license?: unknown } };

    expect(servers.length).toBeGreaterThan(0);
    expect(info.license).toEqual({ name: expect.any(String), identifier: expect.any(String) });
  });
});
