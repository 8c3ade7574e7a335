import type { KnowledgeBaseRetrievalResult } from '@aws-sdk/client-bedrock-agent-runtime';
import articles from '../../../functions/shared/knowledge/articles.generated.json';
import type { Article } from '../../../functions/shared/knowledge/article';
import {
  BedrockKnowledgeBase,
  createRetrieveClient,
  RETRIEVE_MAX_ATTEMPTS,
} from '../../../functions/shared/knowledge/bedrock-knowledge-base';
import { articleMetadataOf } from '../../../functions/shared/knowledge/metadata';
import { UpstreamUnavailableError } from '../../../functions/shared/errors';
import { startFakeRetrieve, type FakeRetrieve } from '../../support/fake-retrieve';
import { recordingLog } from '../../support/invocation';
import { startTestApi } from '../../support/local-api';

const KNOWLEDGE_BASE_ID = 'KB12345678';
const byId = new Map((articles as Article[]).map((article) => [article.id, article]));

/** A chunk of an article as Retrieve returns it: its text, score, S3 location and the article's metadata. */
const chunkOf = (id: string, score: number, text?: string): KnowledgeBaseRetrievalResult => {
  const article = byId.get(id);
  if (!article) throw new Error(`no article ${id}`);
  return {
    content: { type: 'TEXT', text: text ?? article.body.slice(0, 600) },
    location: { type: 'S3', s3Location: { uri: `s3://articles/${id}.md` } },
    score,
    metadata: {
      ...articleMetadataOf(article),
      'x-amz-bedrock-kb-source-uri': `s3://articles/${id}.md`,
      'x-amz-bedrock-kb-chunk-id': `${id}-${score}`,
    },
  };
};

let fake: FakeRetrieve;

beforeAll(async () => {
  fake = await startFakeRetrieve();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.calls.length = 0;
  fake.answerWith(() => ({ results: [] }));
});

const adapter = () =>
  new BedrockKnowledgeBase(createRetrieveClient({ region: 'us-east-1', endpoint: fake.endpoint }), KNOWLEDGE_BASE_ID);

describe('BedrockKnowledgeBase over the Retrieve REST API', () => {
  it('asks for chunks of the results wanted under the filters, and answers each article once with its best chunk', async () => {
    fake.answerWith(() => ({
      results: [
        chunkOf('stale-insights', 0.71, 'An insight set is stale when its data is older than a day. Refresh it.'),
        chunkOf('how-insights-are-made', 0.64),
        chunkOf('stale-insights', 0.52),
      ],
    }));

    const response = await adapter().search(
      { query: 'why is my insight stale?', limit: 2, filters: { category: 'product', tags: ['Insights'] } },
      recordingLog(),
    );

    expect(fake.calls).toEqual([
      {
        knowledgeBaseId: KNOWLEDGE_BASE_ID,
        body: {
          retrievalQuery: { text: 'why is my insight stale?' },
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 10,
              filter: {
                andAll: [
                  { equals: { key: 'category', value: 'product' } },
                  { listContains: { key: 'tags', value: 'insights' } },
                ],
              },
            },
          },
        },
      },
    ]);
    const stale = byId.get('stale-insights') as Article;
    expect(response.results).toEqual([
      {
        id: 'stale-insights',
        title: stale.title,
        content: 'An insight set is stale when its data is older than a day. Refresh it.',
        relevanceScore: 0.71,
        category: stale.category,
        tags: stale.tags,
        lastUpdated: stale.lastUpdated,
        url: stale.url,
      },
      expect.objectContaining({ id: 'how-insights-are-made', relevanceScore: 0.64 }),
    ]);
    expect(response.totalCount).toBe(2);
    expect(response.searchTime).toBeGreaterThanOrEqual(0);
  });

  it('sends no filter without filters, and reorders (never adds) the articles by a second Retrieve of the context', async () => {
    fake.answerWith((call) =>
      call.body.retrievalQuery?.text === 'how do I run the weekly meeting?'
        ? { results: [chunkOf('meeting-cadence', 0.6), chunkOf('weekly-meeting', 0.58)] }
        : { results: [chunkOf('weekly-meeting', 0.9), chunkOf('hiring', 0.95)] },
    );

    const response = await adapter().search(
      { query: 'how do I run the weekly meeting?', context: ['the weekly meeting page'] },
      recordingLog(),
    );

    expect(fake.calls.map((call) => call.body.retrievalQuery?.text).sort()).toEqual([
      'how do I run the weekly meeting?',
      'the weekly meeting page',
    ]);
    expect(fake.calls[0]?.body.retrievalConfiguration?.vectorSearchConfiguration).toEqual({ numberOfResults: 25 });
    expect(response.results.map((result) => result.id)).toEqual(['weekly-meeting', 'meeting-cadence']);
    expect(response.totalCount).toBe(2);
  });

  it('fails a refused Retrieve (a 4xx) at once with 502 upstream_unavailable, logged as a configuration error', async () => {
    fake.answerWith(() => ({
      status: 403,
      errorType: 'AccessDeniedException',
      message: 'not authorized: bedrock:Retrieve',
    }));
    const { log, lines } = recordingLog();

    const failure = await adapter()
      .search({ query: 'delegation' }, { log })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UpstreamUnavailableError);
    expect((failure as UpstreamUnavailableError).message).not.toMatch(/bedrock|denied/i);
    expect(fake.calls).toHaveLength(1);
    expect(lines).toContainEqual({
      level: 'error',
      message: 'Knowledge base Retrieve refused',
      fields: expect.objectContaining({ reason: 'AccessDeniedException', status: 403, configuration: true }),
    });
  });

  it("retries a failing service (5xx) the SDK's attempts, then fails with 502 upstream_unavailable, logged as a warning", async () => {
    fake.answerWith(() => ({ status: 500, errorType: 'InternalServerException', message: 'boom' }));
    const { log, lines } = recordingLog();

    const failure = await adapter()
      .search({ query: 'delegation' }, { log })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UpstreamUnavailableError);
    expect(fake.calls).toHaveLength(RETRIEVE_MAX_ATTEMPTS);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'Knowledge base Retrieve failed',
      fields: expect.objectContaining({ reason: 'InternalServerException', status: 500, configuration: false }),
    });
  });

  it("cuts a slow Retrieve at the caller's deadline", async () => {
    fake.answerWith(() => ({ hangMs: 2_000 }));
    const { log, lines } = recordingLog();
    const startedAt = Date.now();

    const failure = await adapter()
      .search({ query: 'delegation' }, { log, deadline: { at: startedAt + 150, remainingMs: () => 150 } })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UpstreamUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(1_500);
    expect(lines).toContainEqual(expect.objectContaining({ fields: expect.objectContaining({ reason: 'deadline' }) }));
  });
});

describe('POST /ai/knowledge-base/search with KNOWLEDGE_BASE_ID set', () => {
  it('answers from the Bedrock Knowledge Base, and a failing one with 502 upstream_unavailable and no internals', async () => {
    const api = await startTestApi({ KNOWLEDGE_BASE_ID, KNOWLEDGE_BASE_ENDPOINT: fake.endpoint });
    try {
      const token = await api.token('acme-plumbing', 'owner-1');
      const search = () =>
        api.call('POST', '/ai/knowledge-base/search', { token, body: JSON.stringify({ query: 'how do I delegate?' }) });
      fake.answerWith(() => ({ results: [chunkOf('delegation', 0.8)] }));

      const found = await search();
      fake.answerWith(() => ({ status: 404, errorType: 'ResourceNotFoundException', message: 'no KB12345678' }));
      const failed = await search();

      expect(found.status).toBe(200);
      expect(found.json).toMatchObject({ totalCount: 1, results: [{ id: 'delegation', relevanceScore: 0.8 }] });
      expect(fake.calls.at(-1)?.knowledgeBaseId).toBe(KNOWLEDGE_BASE_ID);
      expect(failed.status).toBe(502);
      expect(failed.json.error).toEqual({
        code: 'upstream_unavailable',
        message: 'The knowledge base could not be searched right now; try again shortly',
      });
    } finally {
      await api.close();
    }
  });
});
