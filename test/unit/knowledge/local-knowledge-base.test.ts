import type { Article } from '../../../functions/shared/knowledge/article';
import { LocalKnowledgeBase, searchableText } from '../../../functions/shared/knowledge/local-knowledge-base';
import { MAX_LIMIT } from '../../../functions/shared/knowledge/port';
import type { LogSink } from '../../../functions/shared/observability';

const log = (): jest.Mocked<LogSink> => ({ debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() });
const scope = { log: log() };

const filler = (n: number): string =>
  Array.from({ length: n }, (_, i) => `Sentence ${i} talks about planning the week with the team.`).join(' ');

const article = (id: string, overrides: Partial<Article> = {}): Article => ({
  id,
  title: `Article ${id}`,
  category: 'coaching',
  tags: ['general'],
  lastUpdated: '2026-06-01',
  url: `/help/${id}`,
  body: `# Article ${id}\n\n${filler(3)}`,
  ...overrides,
});

const ids = (response: { results: { id: string }[] }): string[] => response.results.map((result) => result.id);

describe('LocalKnowledgeBase', () => {
  it('ranks a word in the title above it in a tag, and a tag above the body (fields of equal length)', async () => {
    // One word per field, so BM25 scores each field alike and only the boosts tell them apart (ties go by id).
    const kb = new LocalKnowledgeBase([
      article('a-body', { title: 'Alpha', tags: ['beta'], body: 'invoices' }),
      article('b-tags', { title: 'Gamma', tags: ['invoices'], body: 'delta' }),
      article('c-title', { title: 'Invoices', tags: ['epsilon'], body: 'zeta' }),
    ]);

    const response = await kb.search({ query: 'invoices' }, scope);

    expect(ids(response)).toEqual(['c-title', 'b-tags', 'a-body']);
    const [title, tags, body] = response.results.map((result) => result.relevanceScore);
    expect(title).toBeGreaterThan(tags as number);
    expect(tags).toBeGreaterThan(body as number);
    expect(body).toBeGreaterThan(0);
    expect(title).toBeLessThan(1);
  });

  it('matches words by their stem and ignores stop words', async () => {
    const kb = new LocalKnowledgeBase([article('hiring', { title: 'Hiring people' }), article('other')]);

    expect(ids(await kb.search({ query: 'how do I hire' }, scope))).toEqual(['hiring']);
  });

  it('filters by category, by every tag given, and by the last-updated range', async () => {
    const kb = new LocalKnowledgeBase([
      article('a', { category: 'goals', tags: ['kpis', 'weekly'], lastUpdated: '2026-01-10' }),
      article('b', { category: 'goals', tags: ['kpis'], lastUpdated: '2026-03-10' }),
      article('c', { category: 'product', tags: ['weekly', 'kpis'], lastUpdated: '2026-05-10' }),
    ]);
    const search = async (filters: object) => ids(await kb.search({ query: 'planning', filters }, scope)).sort();

    expect(await search({})).toEqual(['a', 'b', 'c']);
    expect(await search({ category: 'goals' })).toEqual(['a', 'b']);
    expect(await search({ tags: ['KPIs', 'weekly'] })).toEqual(['a', 'c']);
    expect(await search({ dateRange: { from: '2026-03-10' } })).toEqual(['b', 'c']);
    expect(await search({ dateRange: { to: '2026-03-10' } })).toEqual(['a', 'b']);
    expect(await search({ dateRange: { from: '2026-02-01', to: '2026-04-01' } })).toEqual(['b']);
    expect(await search({ category: 'goals', tags: ['weekly'], dateRange: { to: '2026-12-31' } })).toEqual(['a']);
    expect(await search({ category: 'people' })).toEqual([]);
  });

  it('answers the best `limit` results (default 5, at most 20) and counts every match', async () => {
    const kb = new LocalKnowledgeBase(Array.from({ length: 25 }, (_, i) => article(`a${String(i).padStart(2, '0')}`)));

    const byDefault = await kb.search({ query: 'planning' }, scope);
    const two = await kb.search({ query: 'planning', limit: 2 }, scope);
    const many = await kb.search({ query: 'planning', limit: 100 }, scope);
    const none = await kb.search({ query: 'planning', limit: 0 }, scope);

    expect(byDefault.results).toHaveLength(5);
    expect(byDefault.totalCount).toBe(25);
    expect(two.results).toHaveLength(2);
    expect(two.totalCount).toBe(25);
    expect(many.results).toHaveLength(MAX_LIMIT);
    expect(none.results).toHaveLength(1);
  });

  it('answers nothing for a query of stop words only, and for a query nothing matches', async () => {
    const kb = new LocalKnowledgeBase([article('a'), article('b')]);

    for (const query of ['what is it?', 'zebra']) {
      const response = await kb.search({ query }, scope);
      expect({ query, results: response.results, totalCount: response.totalCount }).toEqual({
        query,
        results: [],
        totalCount: 0,
      });
      expect(response.searchTime).toBeGreaterThanOrEqual(0);
    }
  });

  it('tries a query with no hit once more allowing a typo', async () => {
    const kb = new LocalKnowledgeBase([article('delegation', { title: 'Delegation' }), article('other')]);

    expect(ids(await kb.search({ query: 'delagation' }, scope))).toEqual(['delegation']);
  });

  it('matches a hyphenated word written with spaces, or joined', async () => {
    const kb = new LocalKnowledgeBase([article('one', { title: 'One-to-one meetings' }), article('other')]);

    expect(ids(await kb.search({ query: 'one to one' }, scope))[0]).toBe('one');
    expect(ids(await kb.search({ query: 'onetoone' }, scope))).toEqual(['one']);
    expect(searchableText('a follow-up call')).toBe('a follow up followup call');
  });

  it('lets the context reorder the matches but never add one', async () => {
    const kb = new LocalKnowledgeBase([
      article('nudges', { title: 'Reminder settings', tags: ['nudges'] }),
      article('meetings', { title: 'Reminder habits', tags: ['meetings'] }),
      article('unrelated', { title: 'Nudges and meetings' }),
    ]);

    const plain = await kb.search({ query: 'reminder' }, scope);
    const onNudges = await kb.search({ query: 'reminder', context: ['the nudges page'] }, scope);
    const onMeetings = await kb.search({ query: 'reminder', context: ['we talked about meetings'] }, scope);

    expect(ids(plain).sort()).toEqual(['meetings', 'nudges']);
    expect(ids(onNudges)).toEqual(['nudges', 'meetings']);
    expect(ids(onMeetings)).toEqual(['meetings', 'nudges']);
  });

  it('answers each article with its metadata and a snippet of its best matching passage', async () => {
    const body = [
      '# Cash',
      'Cash is the oxygen of a small business.',
      '## Chasing invoices',
      'Send every invoice the day the work is done, and call any customer who is a week late.',
      'Review the debtors list weekly.',
    ].join('\n\n');
    const kb = new LocalKnowledgeBase([
      article('cash', { title: 'Cash basics', tags: ['cash', 'invoices'], category: 'coaching', body }),
    ]);

    const [result] = (await kb.search({ query: 'late invoices' }, scope)).results;

    expect(result).toEqual({
      id: 'cash',
      title: 'Cash basics',
      content: 'Send every invoice the day the work is done, and call any customer who is a week late.',
      relevanceScore: expect.any(Number),
      category: 'coaching',
      tags: ['cash', 'invoices'],
      lastUpdated: '2026-06-01',
      url: '/help/cash',
    });
  });

  it('builds its index on the first search, once', async () => {
    const articles = [article('first', { title: 'Pricing' })];
    const kb = new LocalKnowledgeBase(articles);
    articles.push(article('added-before-the-first-search', { title: 'Pricing again' }));

    const first = await kb.search({ query: 'pricing' }, scope);
    articles.push(article('added-after', { title: 'Pricing once more' }));
    const second = await kb.search({ query: 'pricing' }, scope);

    expect(ids(first).sort()).toEqual(['added-before-the-first-search', 'first']);
    expect(ids(second).sort()).toEqual(ids(first).sort());
  });

  it('logs what it did, without the query', async () => {
    const sink = log();
    const kb = new LocalKnowledgeBase([article('a', { title: 'Secret pricing plan' })], { clock: () => 0 });

    await kb.search({ query: 'secret pricing', filters: { category: 'coaching' } }, { log: sink });

    expect(sink.debug).toHaveBeenCalledWith('Knowledge base searched', {
      terms: 2,
      totalCount: 1,
      returned: 1,
      fuzzy: false,
      filtered: true,
      searchTime: 0,
    });
    expect(JSON.stringify(sink.debug.mock.calls)).not.toContain('secret');
  });
});
