import {
  BedrockAgentRuntimeClient,
  BedrockAgentRuntimeServiceException,
  RetrieveCommand,
  type KnowledgeBaseRetrievalResult,
  type RetrievalFilter,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { UpstreamUnavailableError } from '../errors';
import { abortAtDeadline } from '../invocation';
import { dayNumber } from './article';
import { METADATA_KEYS, retrievedMetadataSchema, type RetrievedMetadata } from './metadata';
import {
  CONTEXT_WEIGHT,
  resultLimit,
  type KnowledgeBase,
  type KnowledgeSearchFilters,
  type KnowledgeSearchQuery,
  type KnowledgeSearchResponse,
  type KnowledgeSearchResult,
  type KnowledgeSearchScope,
} from './port';
import { passagesOf, plainTerms, snippetFor } from './snippet';

/** How to build the Bedrock Agent Runtime client; `endpoint` points it at a local stand-in (tests). */
export interface RetrieveClientOptions {
  readonly region?: string;
  readonly endpoint?: string;
  /** The longest one attempt may wait for its answer. @default RETRIEVE_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
}

/** Attempts per Retrieve, retries included (the SDK's standard strategy: throttling, 5xx, network errors). */
export const RETRIEVE_MAX_ATTEMPTS = 3;
/** The longest one Retrieve attempt may wait for its answer (an embedding and a vector query: well under a second). */
export const RETRIEVE_TIMEOUT_MS = 5_000;
/** The longest a connection to the service may take to open. */
const CONNECTION_TIMEOUT_MS = 2_000;

/**
 * Builds the Bedrock Agent Runtime client of the Retrieve API; call it once per process. It speaks HTTP/1.1 through a
 * handler with connection and request timeouts; with an endpoint override it signs with dummy credentials.
 */
export const createRetrieveClient = (options: RetrieveClientOptions): BedrockAgentRuntimeClient =>
  new BedrockAgentRuntimeClient({
    region: options.region,
    maxAttempts: RETRIEVE_MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? RETRIEVE_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    }),
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });

/** Chunks asked for per result wanted: an article is several chunks, and results are articles. */
export const CHUNKS_PER_RESULT = 5;
/** The most chunks one Retrieve returns (the API's limit). */
export const MAX_CHUNKS = 100;
/** The most filters one `andAll` takes (the API's limit); longer lists are nested. */
const MAX_AND_FILTERS = 5;

/** All of the conditions: none, the one, or `andAll` of them, nested in groups of MAX_AND_FILTERS. */
const allOf = (conditions: readonly RetrievalFilter[]): RetrievalFilter | undefined => {
  if (conditions.length <= 1) return conditions[0];
  if (conditions.length <= MAX_AND_FILTERS) return { andAll: [...conditions] };
  const groups: RetrievalFilter[] = [];
  for (let at = 0; at < conditions.length; at += MAX_AND_FILTERS) {
    groups.push(allOf(conditions.slice(at, at + MAX_AND_FILTERS)) as RetrievalFilter);
  }
  return allOf(groups);
};

/**
 * The Retrieve metadata filter of the port's filters, every one of which must hold: the category equals, each tag is
 * in the article's tags (lower-cased, as stored), and the last-updated day is within the range (inclusive).
 */
export const retrievalFilterOf = (filters: KnowledgeSearchFilters | undefined): RetrievalFilter | undefined => {
  const conditions: RetrievalFilter[] = [];
  if (filters?.category) conditions.push({ equals: { key: METADATA_KEYS.category, value: filters.category } });
  for (const tag of new Set((filters?.tags ?? []).map((each) => each.toLowerCase()))) {
    conditions.push({ listContains: { key: METADATA_KEYS.tags, value: tag } });
  }
  const { from, to } = filters?.dateRange ?? {};
  if (from) conditions.push({ greaterThanOrEquals: { key: METADATA_KEYS.lastUpdatedDay, value: dayNumber(from) } });
  if (to) conditions.push({ lessThanOrEquals: { key: METADATA_KEYS.lastUpdatedDay, value: dayNumber(to) } });
  return allOf(conditions);
};

/** An article's best chunk of one Retrieve: its metadata, the chunk's text and score. */
interface ArticleHit {
  readonly metadata: RetrievedMetadata;
  readonly text: string;
  readonly score: number;
}

/**
 * The retrieved chunks as articles: each article once, with its best-scoring chunk, best first. Chunks without valid
 * article metadata (an object without its sidecar) are left out and counted.
 */
export const articleHitsOf = (
  results: readonly KnowledgeBaseRetrievalResult[],
): { hits: ArticleHit[]; unreadable: number } => {
  const best = new Map<string, ArticleHit>();
  let unreadable = 0;
  for (const result of results) {
    const metadata = retrievedMetadataSchema.safeParse(result.metadata);
    if (!metadata.success) {
      unreadable += 1;
      continue;
    }
    const hit = { metadata: metadata.data, text: result.content?.text ?? '', score: result.score ?? 0 };
    const known = best.get(hit.metadata.id);
    if (!known || hit.score > known.score) best.set(hit.metadata.id, hit);
  }
  return { hits: [...best.values()].sort((a, b) => b.score - a.score), unreadable };
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** A hit as the port's result: the article's metadata, a snippet of its chunk, the score within 0..1. */
const toResult = (hit: ArticleHit, score: number, terms: ReadonlySet<string>): KnowledgeSearchResult => ({
  id: hit.metadata.id,
  title: hit.metadata.title,
  content: snippetFor(passagesOf(hit.text, plainTerms), terms),
  relevanceScore: round(Math.min(1, Math.max(0, score)), 3),
  category: hit.metadata.category,
  tags: hit.metadata.tags,
  lastUpdated: hit.metadata.lastUpdated,
  url: hit.metadata.url,
});

/** True for the SDK's errors of a request timeout (the handler's, or a socket's). */
const isRequestTimeout = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'TimeoutError' ||
  (error as { code?: string } | undefined)?.code === 'ETIMEDOUT';

/** What a failed Retrieve was, for the log: its error, status, and whether it was ours (a 4xx: configuration). */
const describeFailure = (error: unknown, signal: AbortSignal | undefined) => {
  if (signal?.aborted) return { reason: 'deadline', configuration: false };
  if (isRequestTimeout(error)) return { reason: 'timeout', configuration: false };
  if (!(error instanceof BedrockAgentRuntimeServiceException)) {
    return { reason: 'unreachable', configuration: false, error: String(error) };
  }
  const status = error.$metadata.httpStatusCode ?? 0;
  // After the SDK's retries a 429 is the service's load, not our request; any other 4xx (access denied, an unknown
  // knowledge base, a refused filter) is this deployment's configuration, which no retry fixes.
  const configuration = status >= 400 && status < 500 && status !== 429;
  return { reason: error.name, status, configuration, error: error.message };
};

/**
 * The KnowledgeBase on an Amazon Bedrock Knowledge Base (the Retrieve API): a semantic search over the chunks of the
 * articles the stack ingests from knowledge/ (lib/constructs/knowledge.ts). Results are articles: each article once,
 * with its best chunk, whose best passage for the query's words is the snippet, and the chunk's score as relevance.
 * `totalCount` is the number of distinct articles among the chunks retrieved (a vector search ranks every article, so
 * there is no count of "matches" beyond what it returns). The context is a second Retrieve, run alongside, whose
 * scores reorder the query's articles (CONTEXT_WEIGHT each) and never add one. Every failure, after the SDK's retries
 * or at the caller's deadline, is a 502 upstream_unavailable; its cause is logged.
 */
export class BedrockKnowledgeBase implements KnowledgeBase {
  private readonly clock: () => number;

  constructor(
    private readonly client: BedrockAgentRuntimeClient,
    private readonly knowledgeBaseId: string,
    clock?: () => number,
  ) {
    this.clock = clock ?? (() => performance.now());
  }

  async search(query: KnowledgeSearchQuery, scope: KnowledgeSearchScope): Promise<KnowledgeSearchResponse> {
    const startedAt = this.clock();
    const limit = resultLimit(query);
    const filter = retrievalFilterOf(query.filters);
    const numberOfResults = Math.min(MAX_CHUNKS, limit * CHUNKS_PER_RESULT);
    const contextText = (query.context ?? []).join(' ').trim();
    const deadline = scope.deadline ? abortAtDeadline(scope.deadline) : undefined;
    const retrieve = async (text: string): Promise<KnowledgeBaseRetrievalResult[]> => {
      const command = new RetrieveCommand({
        knowledgeBaseId: this.knowledgeBaseId,
        retrievalQuery: { text },
        retrievalConfiguration: {
          vectorSearchConfiguration: { numberOfResults, ...(filter ? { filter } : {}) },
        },
      });
      const output = await this.client.send(command, { abortSignal: deadline?.signal });
      return output.retrievalResults ?? [];
    };

    let chunks: KnowledgeBaseRetrievalResult[];
    let contextChunks: KnowledgeBaseRetrievalResult[];
    try {
      [chunks, contextChunks] = await Promise.all([
        retrieve(query.query),
        contextText ? retrieve(contextText) : Promise.resolve([]),
      ]);
    } catch (error) {
      const failure = describeFailure(error, deadline?.signal);
      const fields = { knowledgeBaseId: this.knowledgeBaseId, ...failure };
      if (failure.configuration) scope.log.error('Knowledge base Retrieve refused', fields);
      else scope.log.warn('Knowledge base Retrieve failed', fields);
      throw new UpstreamUnavailableError('The knowledge base could not be searched right now; try again shortly', {
        cause: error,
      });
    } finally {
      deadline?.dispose();
    }

    const { hits, unreadable } = articleHitsOf(chunks);
    const contextScores = new Map(articleHitsOf(contextChunks).hits.map((hit) => [hit.metadata.id, hit.score]));
    const ranked = hits
      .map((hit) => ({ hit, score: hit.score + CONTEXT_WEIGHT * (contextScores.get(hit.metadata.id) ?? 0) }))
      .sort((a, b) => b.score - a.score || a.hit.metadata.id.localeCompare(b.hit.metadata.id));
    const terms = new Set(plainTerms(query.query));
    const results = ranked.slice(0, limit).map(({ hit, score }) => toResult(hit, score, terms));
    const searchTime = round(this.clock() - startedAt, 2);
    if (unreadable > 0) scope.log.warn('Knowledge base chunks without article metadata', { unreadable });
    scope.log.debug('Knowledge base searched', {
      chunks: chunks.length,
      totalCount: ranked.length,
      returned: results.length,
      filtered: filter !== undefined,
      context: contextText.length > 0,
      searchTime,
    });
    return { results, totalCount: ranked.length, searchTime };
  }
}
