import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  api = await startTestApi({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  // Powertools writes INFO lines to stdout: the JSON lines are captured, anything else passes through.
  const write = process.stdout.write.bind(process.stdout);
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = chunk.toString();
    if (!text.startsWith('{')) return write(chunk);
    lines.push(
      ...text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
    return true;
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  await api.close();
});

const TENANT = 'acme-plumbing';

const search = async (body: unknown, tenantId = TENANT) =>
  api.call('POST', '/ai/knowledge-base/search', {
    token: await api.token(tenantId, 'owner-1'),
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

describe('POST /ai/knowledge-base/search', () => {
  it('finds the article an owner means, with a snippet of its matching passage, and logs tenant and correlation id', async () => {
    const response = await search({ query: 'why is my insight stale?' });

    expect(response.status).toBe(200);
    expect(response.json.results).toHaveLength(5);
    expect(response.json.results[0]).toMatchObject({
      id: 'stale-insights',
      title: 'Why an insight set is marked stale',
      category: 'product',
      url: '/help/stale-insights',
      lastUpdated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(response.json.results[0].content).toMatch(/stale/i);
    expect(response.json.totalCount).toBeGreaterThanOrEqual(5);
    expect(typeof response.json.searchTime).toBe('number');
    const correlationId = response.headers.get('x-correlation-id');
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Knowledge base search',
        tenantId: TENANT,
        correlationId,
        totalCount: response.json.totalCount,
      }),
    );
  });

  it('applies the limit, the category filter and the tag filter', async () => {
    const limited = await search({ query: 'meeting', limit: 2 });
    const product = await search({ query: 'goal', filters: { category: 'product' } });
    const tagged = await search({ query: 'insights', filters: { tags: ['stale'] } });

    expect(limited.json.results).toHaveLength(2);
    expect(limited.json.totalCount).toBeGreaterThan(2);
    expect(product.json.results.length).toBeGreaterThan(0);
    expect(product.json.results.map((r: { category: string }) => r.category)).toEqual(
      product.json.results.map(() => 'product'),
    );
    expect(tagged.json.results.map((r: { id: string }) => r.id)).toEqual(['stale-insights']);
  });

  it('answers no results for a query with nothing to search for', async () => {
    const response = await search({ query: 'why is it?' });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ results: [], totalCount: 0, searchTime: expect.any(Number) });
  });

  it.each([
    ['an empty query', { query: '   ' }, 'body.query'],
    ['a query over 500 characters', { query: 'goal '.repeat(101) }, 'body.query'],
    ['a limit of 0', { query: 'goals', limit: 0 }, 'body.limit'],
    ['a limit over 20', { query: 'goals', limit: 21 }, 'body.limit'],
    ['an unknown key', { query: 'goals', page: 2 }, 'body.page'],
    ['an unknown filter', { query: 'goals', filters: { author: 'x' } }, 'body.filters.author'],
    ['an unknown category', { query: 'goals', filters: { category: 'billing' } }, 'body.filters.category'],
    [
      'a date that is no day',
      { query: 'goals', filters: { dateRange: { from: '2026-13-01' } } },
      'body.filters.dateRange.from',
    ],
  ])('answers 400 validation_error for %s', async (_name, body, field) => {
    const response = await search(body);

    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_error');
    expect(typeof response.json.error.message).toBe('string');
    expect(response.json.error.details.problems.map((p: { field: string }) => p.field)).toContain(field);
  });

  it('needs a token', async () => {
    const response = await api.call('POST', '/ai/knowledge-base/search', {
      body: JSON.stringify({ query: 'goals' }),
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthorized');
  });
});
