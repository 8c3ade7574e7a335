import { defineCapability, defineRoute } from '../shared/http/route';
import { knowledgeSearchBodySchema, knowledgeSearchResponseSchema } from './model';

/** The assistant's rows of the route table (base path `/ai`): the help articles' search. */
export const assistant = defineCapability({
  routes: {
    searchKnowledgeBase: defineRoute({
      method: 'POST',
      path: '/ai/knowledge-base/search',
      handler: 'functions/assistant/handlers/search-knowledge-base.ts',
      auth: 'user',
      summary:
        'Search the help articles (coaching method and product help; the same for every tenant): the best `limit` ' +
        '(1-20, default 5) matches with a snippet of the passage that matches best, filtered by category, tags and ' +
        'last-updated range; `context` reorders the matches, never adds one',
      tag: 'assistant',
      body: knowledgeSearchBodySchema,
      response: { status: 200, schema: knowledgeSearchResponseSchema },
      // The Bedrock Knowledge Base could not be searched (on AWS; the local index cannot fail so).
      errors: ['upstream_unavailable'],
      grants: { knowledgeBase: 'read' },
    }),
  },
});
