import * as z from '../zod';
import { dayNumber, type Article } from './article';

/**
 * The metadata attributes of an article's chunks as Retrieve returns them, as far as a result shows them (other keys,
 * Bedrock's own and `lastUpdatedDay`, are ignored, so a number the service returns in another form cannot hide a hit).
 */
export const retrievedMetadataSchema = z.object({
  id: z.string().check(z.minLength(1)),
  title: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  lastUpdated: z.string(),
  url: z.string(),
});
/** The metadata a Retrieve result shows of its article. */
export type RetrievedMetadata = z.infer<typeof retrievedMetadataSchema>;

/**
 * The metadata attributes of an article in the Bedrock Knowledge Base: written beside it in the data source bucket as
 * `<file>.metadata.json` (lib/constructs/knowledge.ts, at synth), carried by each of its chunks, read back from every
 * Retrieve result, and what Retrieve filters on: `category` (equals), `tags` (listContains; lower-cased, as the local
 * index keeps them) and `lastUpdatedDay` (the day number of `lastUpdated`: range filters compare numbers only).
 */
export type ArticleMetadata = RetrievedMetadata & { readonly lastUpdatedDay: number };

/** The metadata attribute keys Retrieve filters name. */
export const METADATA_KEYS = {
  category: 'category',
  tags: 'tags',
  lastUpdatedDay: 'lastUpdatedDay',
} as const satisfies Record<string, keyof ArticleMetadata>;

/** An article's metadata attributes. */
export const articleMetadataOf = (article: Article): ArticleMetadata => ({
  id: article.id,
  title: article.title,
  category: article.category,
  tags: article.tags.map((tag) => tag.toLowerCase()),
  lastUpdated: article.lastUpdated,
  lastUpdatedDay: dayNumber(article.lastUpdated),
  url: article.url,
});

/** The data source objects of an article: its markdown body and its metadata sidecar, by object key. */
export const dataSourceFilesOf = (article: Article): Record<string, string> => {
  const key = `${article.id}.md`;
  return {
    [key]: `${article.body}\n`,
    [`${key}.metadata.json`]: `${JSON.stringify({ metadataAttributes: articleMetadataOf(article) }, null, 2)}\n`,
  };
};
