import { z } from 'zod';
import { defineRoute } from '../../../functions/shared/http/route';
import { responseProblems } from '../../../local/response-contract';

const route = defineRoute({
  method: 'GET',
  path: '/things/{id}',
  handler: 'functions/things/handlers/get-thing.ts',
  auth: 'user',
  summary: 'A thing',
  tag: 'things',
  params: z.object({ id: z.string() }),
  response: { status: 200, schema: z.object({ id: z.string(), count: z.number() }) },
  errors: ['not_found'],
  grants: {},
});
const json = (statusCode: number, body: unknown) => ({ statusCode, body: JSON.stringify(body) });

describe('responseProblems (the dev server checks every response against its route)', () => {
  it('accepts a success that matches the route schema and an error with the error body', () => {
    expect(responseProblems(route, json(200, { id: 'a', count: 2 }))).toEqual([]);
    expect(responseProblems(route, json(404, { error: { code: 'not_found', message: 'No thing' } }))).toEqual([]);
  });

  it('names every field of a success that drifted from the schema', () => {
    expect(responseProblems(route, json(200, { id: 7 }))).toEqual([
      { field: 'body.id', message: expect.stringContaining('string') },
      { field: 'body.count', message: expect.stringContaining('number') },
    ]);
  });

  it('rejects an error without the error body, a body on 204 and a body that is not JSON', () => {
    expect(responseProblems(route, json(500, { message: 'boom' }))).toEqual([
      { field: 'body.error', message: expect.any(String) },
    ]);
    expect(responseProblems(route, { statusCode: 204, body: '{}' })).toEqual([
      { field: 'body', message: 'a 204 response must have no body' },
    ]);
    expect(responseProblems(route, { statusCode: 200, body: 'oops' })).toEqual([
      { field: 'body', message: 'is not JSON' },
    ]);
  });

  it('accepts a file only of a media type the route documents', () => {
    const csv = { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: 'id,count\r\n' };
    const exporting = { ...route, response: { ...route.response, files: ['text/csv'] } };

    expect(responseProblems(exporting, csv)).toEqual([]);
    expect(responseProblems(route, csv)).toEqual([
      { field: 'headers.content-type', message: 'is text/csv, which the route does not document' },
    ]);
  });

  it('rejects an error whose code the route does not document under its status', () => {
    const error = (status: number, code: string) => json(status, { error: { code, message: 'm' } });

    expect(responseProblems(route, error(400, 'invalid_path'))).toEqual([]);
    expect(responseProblems(route, error(409, 'conflict'))).toEqual([
      { field: 'body.error.code', message: expect.stringMatching(/^409 conflict is not documented/) },
    ]);
    expect(responseProblems(route, error(400, 'not_found'))).toEqual([
      { field: 'body.error.code', message: expect.stringMatching(/^400 not_found is not documented/) },
    ]);
  });
});
