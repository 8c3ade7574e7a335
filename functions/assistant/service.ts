import type { Invocation } from '../shared/invocation';
import type { KnowledgeBase, KnowledgeSearchResponse } from '../shared/knowledge/port';
import type { KnowledgeSearchBody } from './model';

/** What the assistant's use cases depend on. */
export interface AssistantDependencies {
  readonly knowledge: KnowledgeBase;
}

/**
 * The assistant's use cases. The knowledge base is global (the same articles for every tenant), but every search is
 * made by an authenticated caller and logged with their tenant and the correlation id.
 */
export class AssistantService {
  constructor(private readonly deps: AssistantDependencies) {}

  /** Searches the help articles for the caller's question. */
  async searchKnowledgeBase(invocation: Invocation, body: KnowledgeSearchBody): Promise<KnowledgeSearchResponse> {
    const response = await this.deps.knowledge.search(
      { query: body.query, context: body.context, filters: body.filters, limit: body.limit },
      invocation,
    );
    invocation.log.info('Knowledge base search', {
      queryLength: body.query.length,
      filters: body.filters ? Object.keys(body.filters) : [],
      totalCount: response.totalCount,
      returned: response.results.map((result) => result.id),
      searchTime: response.searchTime,
    });
    return response;
  }
}
