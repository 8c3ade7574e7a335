import articles from '../../functions/shared/knowledge/articles.generated.json';
import { knowledgeQueries, localKnowledgeBase, recallOf, runLabelledQueries } from './knowledge-queries';

describe('the knowledge base finds what owners ask for', () => {
  it('has at least 40 labelled queries, each expecting articles that exist', () => {
    const known = new Set(articles.map((article) => article.id));

    expect(knowledgeQueries.length).toBeGreaterThanOrEqual(40);
    for (const { query, expected } of knowledgeQueries) {
      expect({ query, unknown: expected.filter((id) => !known.has(id)) }).toEqual({ query, unknown: [] });
    }
  });

  it('has an expected article in the top 3 for at least 90% of them (recall@3 >= 0.9)', async () => {
    const outcomes = await runLabelledQueries(localKnowledgeBase(), 3);
    const recall = recallOf(outcomes);
    const misses = outcomes
      .filter((outcome) => outcome.rank === undefined)
      .map((o) => `${o.query} -> ${o.top.join(', ')}`);

    // On failure the diff shows the recall and every missed query with what came back instead.
    expect({ atLeast90: recall >= 0.9, recall, misses }).toMatchObject({ atLeast90: true });
  });
});
