import {
  BedrockAgentRuntimeServiceException,
  type BedrockAgentRuntimeClient,
  type KnowledgeBaseRetrievalResult,
  type RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { dayNumber } from '../../../functions/shared/knowledge/article';
import {
  articleHitsOf,
  BedrockKnowledgeBase,
  createRetrieveClient,
  MAX_CHUNKS,
  retrievalFilterOf,
} from '../../../functions/shared/knowledge/bedrock-knowledge-base';
import type { ArticleMetadata } from '../../../functions/shared/knowledge/metadata';
import { MAX_LIMIT } from '../../../functions/shared/knowledge/port';
import { UpstreamUnavailableError } from '../../../functions/shared/errors';
import { recordingLog } from '../../support/invocation';

const metadata = (id: string): ArticleMetadata => ({
  id,
  title: `About ${id}`,
  category: 'coaching',
  tags: ['a', 'b'],
  lastUpdated: '2026-11-30',
  lastUpdatedDay: dayNumber('2026-11-30'),
  url: `/help/${id}`,
});

const chunk = (id: string, score?: number, text?: string): KnowledgeBaseRetrievalResult => ({
  content: text === undefined ? undefined : { text },
  score,
  metadata: metadata(id),
});

/** A client whose Retrieve answers `results` (or throws `error`), keeping the commands it was sent. */
const stubClient = (outcome: { results?: KnowledgeBaseRetrievalResult[]; error?: Error }) => {
  const sent: RetrieveCommand[] = [];
  const client = {
    send: async (command: RetrieveCommand) => {
      sent.push(command);
      if (outcome.error) throw outcome.error;
      return { retrievalResults: outcome.results };
    },
  } as unknown as BedrockAgentRuntimeClient;
  return { client, sent };
};

describe('retrievalFilterOf', () => {
  it('is no filter without filters, and the one condition alone', () => {
    expect(retrievalFilterOf(undefined)).toBeUndefined();
    expect(retrievalFilterOf({ tags: [] })).toBeUndefined();
    expect(retrievalFilterOf({ category: 'goals' })).toEqual({ equals: { key: 'category', value: 'goals' } });
  });

  it('compares the date range as day numbers, inclusive at both ends', () => {
    expect(retrievalFilterOf({ dateRange: { from: '2026-01-01', to: '2026-06-30' } })).toEqual({
      andAll: [
        { greaterThanOrEquals: { key: 'lastUpdatedDay', value: dayNumber('2026-01-01') } },
        { lessThanOrEquals: { key: 'lastUpdatedDay', value: dayNumber('2026-06-30') } },
      ],
    });
    expect(retrievalFilterOf({ dateRange: { to: '2026-06-30' } })).toEqual({
      lessThanOrEquals: { key: 'lastUpdatedDay', value: dayNumber('2026-06-30') },
    });
  });

  it('asks for every tag once, lower-cased, nesting more than five conditions in groups of five', () => {
    const tags = ['One', 'two', 'ONE', 'three', 'four', 'five', 'six', 'seven'];

    const filter = retrievalFilterOf({ category: 'people', tags, dateRange: { from: '2026-01-01' } });

    const contains = (value: string) => ({ listContains: { key: 'tags', value } });
    expect(filter).toEqual({
      andAll: [
        {
          andAll: [
            { equals: { key: 'category', value: 'people' } },
            contains('one'),
            contains('two'),
            contains('three'),
            contains('four'),
          ],
        },
        {
          andAll: [
            contains('five'),
            contains('six'),
            contains('seven'),
            { greaterThanOrEquals: { key: 'lastUpdatedDay', value: dayNumber('2026-01-01') } },
          ],
        },
      ],
    });
  });

  it('keeps every andAll within the API limit of five, however many conditions there are', () => {
    const tags = Array.from({ length: 30 }, (_, i) => `tag-${i}`);
    const widths: number[] = [];
    const walk = (filter: unknown): number => {
      const all = (filter as { andAll?: unknown[] }).andAll;
      if (!all) return 1;
      widths.push(all.length);
      return all.reduce<number>((sum, each) => sum + walk(each), 0);
    };

    const leaves = walk(retrievalFilterOf({ tags }));

    expect(leaves).toBe(30);
    expect(Math.max(...widths)).toBeLessThanOrEqual(5);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(2);
  });
});

describe('articleHitsOf', () => {
  it("keeps each article's best chunk, best first, and counts chunks without metadata", () => {
    const { hits, unreadable } = articleHitsOf([
      chunk('vision', 0.4, 'first'),
      { content: { text: 'no sidecar' }, score: 0.99, metadata: { 'x-amz-bedrock-kb-source-uri': 's3://x/y.md' } },
      chunk('vision', 0.7, 'better'),
      chunk('kpis', 0.5, 'kpis'),
      chunk('kpis', 0.1, 'worse'),
    ]);

    expect(hits.map((hit) => [hit.metadata.id, hit.text, hit.score])).toEqual([
      ['vision', 'better', 0.7],
      ['kpis', 'kpis', 0.5],
    ]);
    expect(unreadable).toBe(1);
  });

  it('reads a chunk without text or score as empty and 0, and its metadata whatever form lastUpdatedDay came in', () => {
    const { lastUpdatedDay, ...shown } = metadata('vision');

    expect(articleHitsOf([chunk('vision')]).hits).toEqual([{ metadata: shown, text: '', score: 0 }]);
    expect(
      articleHitsOf([{ ...chunk('vision'), metadata: { ...shown, lastUpdatedDay: `${lastUpdatedDay}.0` } }]).hits,
    ).toHaveLength(1);
  });
});

describe('BedrockKnowledgeBase', () => {
  it('asks for at most the API limit of chunks, breaks score ties by id, clamps scores to 0..1, logs unreadable chunks', async () => {
    const { client, sent } = stubClient({
      results: [
        chunk('vision', 1.2, 'A vision is where the business is going.'),
        chunk('rocks', 0.5),
        chunk('kpis', 0.5),
        { content: { text: 'orphan' }, score: 0.9, metadata: {} },
      ],
    });
    const { log, lines } = recordingLog();

    const response = await new BedrockKnowledgeBase(client, 'KB12345678', () => 0).search(
      { query: 'What is a vision?', limit: 50 },
      { log },
    );

    expect(sent[0]?.input.retrievalConfiguration?.vectorSearchConfiguration?.numberOfResults).toBe(MAX_CHUNKS);
    expect(MAX_LIMIT * 5).toBe(MAX_CHUNKS);
    expect(response.results.map((result) => [result.id, result.relevanceScore])).toEqual([
      ['vision', 1],
      ['kpis', 0.5],
      ['rocks', 0.5],
    ]);
    expect(response.results[0]?.content).toBe('A vision is where the business is going.');
    expect(response).toMatchObject({ totalCount: 3, searchTime: 0 });
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'Knowledge base chunks without article metadata',
      fields: { unreadable: 1 },
    });
  });

  it('answers no results when Retrieve returns none', async () => {
    const { client } = stubClient({});

    const response = await new BedrockKnowledgeBase(client, 'KB12345678').search({ query: 'x' }, recordingLog());

    expect(response).toMatchObject({ results: [], totalCount: 0 });
  });

  it.each([
    [
      'a service error without a status',
      new BedrockAgentRuntimeServiceException({ name: 'ServiceUnavailableException', $fault: 'server', $metadata: {} }),
      { reason: 'ServiceUnavailableException', status: 0, configuration: false },
    ],
    [
      'throttling that outlasted the retries',
      new BedrockAgentRuntimeServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
      }),
      { reason: 'ThrottlingException', status: 429, configuration: false },
    ],
    ['a request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), { reason: 'timeout' }],
    ['a socket timeout', Object.assign(new Error('socket'), { code: 'ETIMEDOUT' }), { reason: 'timeout' }],
    ['a refused connection', new Error('connect ECONNREFUSED'), { reason: 'unreachable', configuration: false }],
  ])('fails %s with 502 upstream_unavailable, logged as a warning', async (_case, error, fields) => {
    const { client } = stubClient({ error });
    const { log, lines } = recordingLog();

    const failure = await new BedrockKnowledgeBase(client, 'KB12345678')
      .search({ query: 'x' }, { log })
      .catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(UpstreamUnavailableError);
    expect((failure as UpstreamUnavailableError).cause).toBe(error);
    expect(lines).toEqual([
      { level: 'warn', message: 'Knowledge base Retrieve failed', fields: expect.objectContaining(fields) },
    ]);
  });
});

describe('createRetrieveClient', () => {
  it("talks to the region's endpoint unless given one", () => {
    expect(createRetrieveClient({ region: 'eu-west-1' }).config.isCustomEndpoint).toBe(false);
    expect(
      createRetrieveClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', requestTimeoutMs: 100 }).config
        .isCustomEndpoint,
    ).toBe(true);
  });
});
