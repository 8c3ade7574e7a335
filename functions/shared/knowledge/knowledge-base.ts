import { config } from '../config';
import { lazyPort, once } from '../once';
import { traceAwsClient } from '../tracing';
import type { Article } from './article';
import type { KnowledgeBase } from './port';

/**
 * The knowledge base of this deployment: the Amazon Bedrock Knowledge Base named by KNOWLEDGE_BASE_ID (the stack sets
 * it, with the grant to query it), else the local Orama adapter over the articles bundled from knowledge/. The
 * adapter, its SDK or Orama and the articles load with the first search (not at cold start); the Orama index is built
 * then, once per process.
 */
export const knowledgeBase = /* @__PURE__ */ once((): KnowledgeBase =>
  lazyPort<KnowledgeBase>(async () => {
    const cfg = config();
    const knowledgeBaseId = cfg.KNOWLEDGE_BASE_ID;
    if (knowledgeBaseId) {
      const { BedrockKnowledgeBase, createRetrieveClient } = await import('./bedrock-knowledge-base');
      const client = createRetrieveClient({ region: cfg.AWS_REGION, endpoint: cfg.KNOWLEDGE_BASE_ENDPOINT });
      return new BedrockKnowledgeBase(traceAwsClient(client), knowledgeBaseId);
    }
    const [{ LocalKnowledgeBase }, articles] = await Promise.all([
      import('./local-knowledge-base'),
      import('./articles.generated.json'),
    ]);
    // Validated when generated (npm run knowledge; test/unit/knowledge checks it is up to date).
    return new LocalKnowledgeBase(articles.default as Article[]);
  }),
);
