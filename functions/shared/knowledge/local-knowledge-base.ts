import { create, insertMultiple, search, type Orama, type Results, type TypedDocument } from '@orama/orama';
import { onceAsync } from '../once';
import { dayNumber, type Article } from './article';
import {
  CONTEXT_WEIGHT,
  resultLimit,
  type KnowledgeBase,
  type KnowledgeSearchFilters,
  type KnowledgeSearchQuery,
  type KnowledgeSearchResponse,
  type KnowledgeSearchScope,
} from './port';
import { passagesOf, snippetFor, STOP_WORDS, type Normalize, type Passage } from './snippet';

/** The indexed fields: full text in title, tagText and body; filters on category, tags and day. */
const schema = {
  title: 'string',
  tagText: 'string',
  body: 'string',
  category: 'enum',
  tags: 'enum[]',
  day: 'number',
} as const;

type KnowledgeIndex = Orama<typeof schema>;
type IndexedDocument = TypedDocument<KnowledgeIndex>;

/** How much a match in each full-text field counts. */
export interface FieldBoosts {
  readonly title: number;
  readonly tagText: number;
  readonly body: number;
}

/** BM25 field boosts: a word in the title counts most, then a tag, then the body. */
export const FIELD_BOOSTS: FieldBoosts = { title: 2, tagText: 1.5, body: 1 };

/** Orama's BM25 parameters: term-frequency saturation k, length normalisation b, and the BM25+ floor d. */
export interface Bm25Parameters {
  readonly k: number;
  readonly b: number;
  readonly d: number;
}

/**
 * The BM25 parameters the index uses: Orama's defaults (k 1.2, b 0.75, d 0.5) but for b, lowered to 0.3 because
 * Orama's term frequency is already divided by the field's length, so the default normalises long bodies twice.
 */
export const BM25_PARAMETERS: Bm25Parameters = { k: 1.2, b: 0.3, d: 0.5 };

/** Whether the index counts repeated words (see LocalKnowledgeBaseOptions.termFrequency). */
export const TERM_FREQUENCY = true;

/** Settings of the local knowledge base; the defaults are the production ones. */
export interface LocalKnowledgeBaseOptions {
  readonly boosts?: FieldBoosts;
  readonly relevance?: Bm25Parameters;
  /** Keeps repeated words when indexing, so a term's frequency counts (Orama keeps each word once by default). */
  readonly termFrequency?: boolean;
  /** Milliseconds, for searchTime. */
  readonly clock?: () => number;
}
/** The BM25 score at which relevanceScore is 0.5 (scores saturate towards 1 above it). */
const SCORE_MIDPOINT = 8;

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/**
 * Text as the index sees it: each hyphenated word also as its parts and joined ("one-to-one" as "one to one
 * onetoone"), since Orama's English tokenizer keeps a hyphenated word whole and an owner may write it either way.
 */
export const searchableText = (text: string): string =>
  text.replace(/[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+/g, (word) => {
    const parts = word.split('-');
    return `${parts.join(' ')} ${parts.join('')}`;
  });

interface BuiltIndex {
  readonly db: KnowledgeIndex;
  readonly normalize: Normalize;
  readonly articles: ReadonlyMap<string, { readonly article: Article; readonly passages: readonly Passage[] }>;
}

/** Builds the Orama index (English stemming, the stop words) and each article's passages for snippets. */
const buildIndex = async (articles: readonly Article[], termFrequency: boolean): Promise<BuiltIndex> => {
  const db: KnowledgeIndex = create({
    schema,
    components: { tokenizer: { stemming: true, stopWords: STOP_WORDS, allowDuplicates: termFrequency } },
  });
  const normalize: Normalize = (text) => db.tokenizer.tokenize(searchableText(text), undefined, 'body', true);
  await insertMultiple(
    db,
    articles.map((article) => ({
      id: article.id,
      title: searchableText(article.title),
      tagText: searchableText(article.tags.join(' ')),
      body: searchableText(article.body),
      category: article.category,
      tags: article.tags.map((tag) => tag.toLowerCase()),
      day: dayNumber(article.lastUpdated),
    })),
  );
  const byId = new Map(
    articles.map((article) => [article.id, { article, passages: passagesOf(article.body, normalize) }]),
  );
  return { db, normalize, articles: byId };
};

/** The Orama where-clause of the filters (all of them must hold). */
const whereOf = (filters: KnowledgeSearchFilters | undefined) => {
  const where: Record<string, unknown> = {};
  if (filters?.category) where.category = { eq: filters.category };
  if (filters?.tags?.length) where.tags = { containsAll: filters.tags.map((tag) => tag.toLowerCase()) };
  const from = filters?.dateRange?.from;
  const to = filters?.dateRange?.to;
  if (from && to) where.day = { between: [dayNumber(from), dayNumber(to)] };
  else if (from) where.day = { gte: dayNumber(from) };
  else if (to) where.day = { lte: dayNumber(to) };
  return Object.keys(where).length > 0 ? where : undefined;
};

/**
 * The local knowledge base: an embedded Orama full-text index (BM25 over title, tags and body with FIELD_BOOSTS,
 * English stemming) over the articles bundled from knowledge/. The index is built once per process, on the first
 * search (not at cold start). A query with no hit is tried once more allowing one typo per word.
 */
export class LocalKnowledgeBase implements KnowledgeBase {
  private readonly index: () => Promise<BuiltIndex>;
  private readonly boosts: FieldBoosts;
  private readonly relevance: Bm25Parameters;
  private readonly clock: () => number;

  constructor(articles: readonly Article[], options: LocalKnowledgeBaseOptions = {}) {
    const termFrequency = options.termFrequency ?? TERM_FREQUENCY;
    this.index = onceAsync(() => buildIndex(articles, termFrequency));
    this.boosts = options.boosts ?? FIELD_BOOSTS;
    this.relevance = options.relevance ?? BM25_PARAMETERS;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Searches the articles: the best `limit` matches with a snippet each, how many matched, and the time taken. */
  async search(query: KnowledgeSearchQuery, scope: KnowledgeSearchScope): Promise<KnowledgeSearchResponse> {
    const startedAt = this.clock();
    const { db, normalize, articles } = await this.index();
    const terms = new Set(normalize(query.query));
    const limit = resultLimit(query);
    const where = whereOf(query.filters);
    const run = async (term: string, tolerance: number): Promise<Results<IndexedDocument>> =>
      search(db, {
        term: searchableText(term),
        properties: ['title', 'tagText', 'body'],
        boost: { ...this.boosts },
        relevance: { ...this.relevance },
        tolerance,
        ...(where ? { where } : {}),
        limit: articles.size,
      });

    let hits: Results<IndexedDocument>['hits'] = [];
    let fuzzy = false;
    if (terms.size > 0) {
      hits = (await run(query.query, 0)).hits;
      if (hits.length === 0) {
        hits = (await run(query.query, 1)).hits;
        fuzzy = hits.length > 0;
      }
    }
    const contextText = (query.context ?? []).join(' ');
    const contextScores = new Map<string, number>();
    if (hits.length > 1 && normalize(contextText).length > 0) {
      for (const hit of (await run(contextText, 0)).hits) contextScores.set(hit.id, hit.score);
    }
    const ranked = hits
      .map((hit) => ({ id: hit.id, score: hit.score + CONTEXT_WEIGHT * (contextScores.get(hit.id) ?? 0) }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));

    const results = ranked.slice(0, limit).flatMap(({ id, score }) => {
      const entry = articles.get(id);
      if (!entry) return [];
      const { article, passages } = entry;
      return [
        {
          id: article.id,
          title: article.title,
          content: snippetFor(passages, terms),
          relevanceScore: round(score / (score + SCORE_MIDPOINT), 3),
          category: article.category,
          tags: article.tags,
          lastUpdated: article.lastUpdated,
          url: article.url,
        },
      ];
    });
    const searchTime = round(this.clock() - startedAt, 2);
    scope.log.debug('Knowledge base searched', {
      terms: terms.size,
      totalCount: ranked.length,
      returned: results.length,
      fuzzy,
      filtered: where !== undefined,
      searchTime,
    });
    return { results, totalCount: ranked.length, searchTime };
  }
}
