import { lazyPort, once } from '../once';
import type { Article } from './article';
import type { KnowledgeBase } from './port';

/**
 * The knowledge base of this deployment: the local Orama adapter over the articles bundled from knowledge/. Orama and
 * the articles load with the first search, and the index is built then, once per process (not at cold start). The
 * Bedrock Knowledge Base adapter will be chosen here by config when the stack has one.
 */
export const knowledgeBase = /* @__PURE__ */ once((): KnowledgeBase =>
  lazyPort<KnowledgeBase>(async () => {
    const [{ LocalKnowledgeBase }, articles] = await Promise.all([
      import('./local-knowledge-base'),
      import('./articles.generated.json'),
    ]);
    // Validated when generated (npm run knowledge; test/unit/knowledge checks it is up to date).
    return new LocalKnowledgeBase(articles.default as Article[]);
  }),
);
