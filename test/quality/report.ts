import { printTable } from '../../local/print-table';
import { measureSet, rulesSetQuality, type SetQuality } from './checks';
import { qualityFixtures } from './fixtures';
import { localKnowledgeBase, recallOf, runLabelledQueries } from './knowledge-queries';
import { recordedAnswers, runRecorded } from './recorded-llm';

const HEADINGS = ['fixture', 'n', 'schema', 'grounded', 'repeated', 'strength', 'categories', 'bad titles', 'contra'];

const row = (q: SetQuality): string[] => [
  q.fixture,
  String(q.count),
  q.schemaValid ? 'ok' : 'INVALID',
  `${Math.round(q.groundedRate * 100)}%`,
  String(q.repeatedSentences),
  q.strength ? 'yes' : 'no',
  q.categories.join(','),
  String(q.badTitles.length),
  String(q.contradictions),
];

/** The knowledge base's search of the labelled owner questions: the rank of each expected article, and recall@3. */
const knowledgeReport = async (): Promise<void> => {
  const outcomes = await runLabelledQueries(localKnowledgeBase(), 3);
  process.stdout.write('\nKnowledge-base search: where the expected article ranks for each labelled question\n');
  printTable(
    ['rank', 'query', 'expected', 'top 3'],
    outcomes.map((o) => [
      o.rank === undefined ? 'MISS' : String(o.rank),
      o.query,
      o.expected.join(' | '),
      o.top.join(', '),
    ]),
  );
  const first = outcomes.filter((o) => o.rank === 1).length / outcomes.length;
  const mrr = outcomes.reduce((sum, o) => sum + (o.rank === undefined ? 0 : 1 / o.rank), 0) / outcomes.length;
  const recall = recallOf(outcomes);
  process.stdout.write(
    `\nrecall@3 ${recall.toFixed(3)} (target >= 0.9: ${recall >= 0.9 ? 'PASS' : 'MISS'}), recall@1 ${first.toFixed(3)}, ` +
      `MRR@3 ${mrr.toFixed(3)} over ${outcomes.length} queries\n`,
  );
};

/**
 * `npm run quality`: the insight quality of the rules generator on every fixture, then of the LLM path on the
 * fixtures with a recorded model answer (test/quality/recorded/), and the knowledge base's recall, as tables.
 */
const main = async (): Promise<void> => {
  const fixtures = qualityFixtures();
  const rows = await Promise.all(fixtures.map(rulesSetQuality));
  process.stdout.write('Rules generator\n');
  printTable(
    [...HEADINGS, 'risks', 'unmet'],
    rows.map((q) => [...row(q), `${q.risks}/${q.count}`, q.unmet.join('; ') || '-']),
  );
  const spread = new Set(rows.slice(0, 3).flatMap((q) => q.categories));
  process.stdout.write(`\nCategories across the three demo tenants: ${[...spread].join(', ')} (${spread.size} of 5)\n`);

  const answers = recordedAnswers();
  const llmRows: string[][] = [];
  for (const fixture of fixtures) {
    const answer = answers.get(fixture.name);
    if (answer === undefined) continue;
    const { generation } = await runRecorded(fixture, answer);
    const q = measureSet(fixture, generation.drafts);
    const fromModel = generation.drafts.filter((draft) => draft.source === 'llm').length;
    llmRows.push([
      ...row(q),
      `${fromModel}/${answer.insights.length}`,
      generation.provenance.outcome,
      q.unmet.join('; ') || '-',
    ]);
  }
  process.stdout.write('\nLLM path on recorded model answers (kept / recorded, outcome)\n');
  printTable([...HEADINGS, 'kept', 'outcome', 'unmet'], llmRows);

  await knowledgeReport();
};

void main();
