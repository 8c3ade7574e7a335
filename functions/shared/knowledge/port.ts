import type { Deadline } from '../invocation';
import type { LogSink } from '../observability';

/** Results a search returns when it asks for no number. */
export const DEFAULT_LIMIT = 5;
/** The most results one search returns. */
export const MAX_LIMIT = 20;
/** How much the context's match adds to the query's (a tie-breaker, never a match on its own). */
export const CONTEXT_WEIGHT = 0.25;

/** The number of results a search returns: its `limit` (DEFAULT_LIMIT when none), a whole number in 1..MAX_LIMIT. */
export const resultLimit = (query: Pick<KnowledgeSearchQuery, 'limit'>): number =>
  Math.min(MAX_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)));

/** Filters a knowledge-base search may apply; every filter given must hold. */
export interface KnowledgeSearchFilters {
  /** Only articles of this category. */
  category?: string;
  /** Only articles carrying every one of these tags. */
  tags?: string[];
  /** Only articles last updated on or between these days (YYYY-MM-DD, inclusive). */
  dateRange?: { from?: string; to?: string };
}

/** One knowledge-base search. */
export interface KnowledgeSearchQuery {
  query: string;
  /**
   * What the asker is looking at or talked about (a page, earlier messages): it reorders the articles the query
   * matches, never adds one the query does not match.
   */
  context?: string[];
  filters?: KnowledgeSearchFilters;
  /** How many results at most. */
  limit?: number;
}

/** One hit: the article's metadata and a snippet around the best match. */
export interface KnowledgeSearchResult {
  id: string;
  title: string;
  /** A snippet of the article: its passage that best matches the query. */
  content: string;
  /** 0 to 1, higher is more relevant; comparable within one search. */
  relevanceScore: number;
  category: string;
  tags: string[];
  lastUpdated: string;
  url: string;
}

/** A search's answer: the best `limit` results of `totalCount` matches; `searchTime` in milliseconds. */
export interface KnowledgeSearchResponse {
  results: KnowledgeSearchResult[];
  totalCount: number;
  searchTime: number;
}

/**
 * Where a search logs, and by when it must answer: an Invocation (its logger is bound to the tenant and correlation
 * id, its deadline is the request's) or a bare logger with no deadline.
 */
export interface KnowledgeSearchScope {
  readonly log: LogSink;
  /** A search that calls a service (the Bedrock adapter) is cut when it passes. */
  readonly deadline?: Deadline;
}

/**
 * The knowledge-base port. It lives in functions/shared/knowledge so that the `assistant` capability (its search
 * route, and its chat and escalation) can use it. The local adapter (an embedded Orama index, local-knowledge-base.ts)
 * and the Amazon Bedrock Knowledge Base adapter (the Retrieve API, bedrock-knowledge-base.ts) implement it.
 */
export interface KnowledgeBase {
  search(query: KnowledgeSearchQuery, scope: KnowledgeSearchScope): Promise<KnowledgeSearchResponse>;
}
