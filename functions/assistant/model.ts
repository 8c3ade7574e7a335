import * as z from '../shared/zod';
import { KNOWLEDGE_CATEGORIES } from '../shared/knowledge/article';

/** The longest query a knowledge-base search takes, in characters. */
export const MAX_QUERY_CHARS = 500;

const day = z.iso.date();

/**
 * Body of `POST /ai/knowledge-base/search`. `context` is what the asker is looking at or talked about (a page, recent
 * messages): it reorders the matches of `query`, never adds one. Unknown keys are refused (400), at every level.
 */
export const knowledgeSearchBodySchema = z.strictObject({
  query: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_QUERY_CHARS)),
  context: z.optional(z.array(z.string().check(z.maxLength(MAX_QUERY_CHARS))).check(z.maxLength(10))),
  filters: z.optional(
    z.strictObject({
      category: z.optional(z.enum(KNOWLEDGE_CATEGORIES)),
      tags: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(60))).check(z.maxLength(10))),
      dateRange: z.optional(z.strictObject({ from: z.optional(day), to: z.optional(day) })),
    }),
  ),
  limit: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(20)), 5),
});
export type KnowledgeSearchBody = z.output<typeof knowledgeSearchBodySchema>;

/** Response of the search: the best matches with a snippet each, how many matched, and the time in milliseconds. */
export const knowledgeSearchResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      content: z.string(),
      relevanceScore: z.number(),
      category: z.string(),
      tags: z.array(z.string()),
      lastUpdated: z.string(),
      url: z.string(),
    }),
  ),
  totalCount: z.number().check(z.int()),
  searchTime: z.number(),
});
