/** Filters a knowledge-base search may apply. */
export interface KnowledgeSearchFilters {
  category?: string;
  tags?: string[];
  dateRange?: { from?: string; to?: string };
}

/** One knowledge-base search. */
export interface KnowledgeSearchQuery {
  query: string;
  context?: string;
  filters?: KnowledgeSearchFilters;
  limit?: number;
}

/** One hit: the article's metadata and a snippet around the best match. */
export interface KnowledgeSearchResult {
  id: string;
  title: string;
  content: string;
  relevanceScore: number;
  category: string;
  tags: string[];
  lastUpdated: string;
  url: string;
}

/** A search's answer; `searchTime` in milliseconds. */
export interface KnowledgeSearchResponse {
  results: KnowledgeSearchResult[];
  totalCount: number;
  searchTime: number;
}

/**
 * The knowledge-base port. It lives in functions/shared/knowledge so that the coming `assistant` capability (and
 * its chat and escalation routes) can use it; the local adapter (an embedded index) and the Bedrock Knowledge Base
 * adapter both implement it.
 */
export interface KnowledgeBase {
  search(query: KnowledgeSearchQuery): Promise<KnowledgeSearchResponse>;
}
