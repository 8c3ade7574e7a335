import type { LogSink } from '../observability';

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

/** Where a search logs: an Invocation (its logger is bound to the tenant and correlation id) or a bare logger. */
export interface KnowledgeSearchScope {
  readonly log: LogSink;
}

/**
 * The knowledge-base port. It lives in functions/shared/knowledge so that the `assistant` capability (its search
 * route, and its chat and escalation) can use it; the local adapter (an embedded Orama index, local-knowledge-base.ts)
 * implements it, and an Amazon Bedrock Knowledge Base adapter (Retrieve API) can follow behind the same interface.
 */
export interface KnowledgeBase {
  search(query: KnowledgeSearchQuery, scope: KnowledgeSearchScope): Promise<KnowledgeSearchResponse>;
}
