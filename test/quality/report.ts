import { printTable } from '../../local/print-table';
import { rulesSetQuality } from './checks';
import { qualityFixtures } from './fixtures';

/** `npm run quality`: the insight quality of the rules generator on every fixture, as a table. */
const main = async (): Promise<void> => {
  const rows = await Promise.all(qualityFixtures().map(rulesSetQuality));
  printTable(
    [
      'fixture',
      'n',
      'schema',
      'grounded',
      'repeated',
      'strength',
      'categories',
      'bad titles',
      'contra',
      'risks',
      'unmet',
    ],
    rows.map((q) => [
      q.fixture,
      String(q.count),
      q.schemaValid ? 'ok' : 'INVALID',
      `${Math.round(q.groundedRate * 100)}%`,
      String(q.repeatedSentences),
      q.strength ? 'yes' : 'no',
      q.categories.join(','),
      String(q.badTitles.length),
      String(q.contradictions),
      `${q.risks}/${q.count}`,
      q.unmet.join('; ') || '-',
    ]),
  );
  const spread = new Set(rows.slice(0, 3).flatMap((q) => q.categories));
  process.stdout.write(`\nCategories across the three demo tenants: ${[...spread].join(', ')} (${spread.size} of 5)\n`);
};

void main();
