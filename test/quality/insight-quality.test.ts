import { rulesSetQuality, type SetQuality } from './checks';
import { qualityFixtures } from './fixtures';

const fixtures = qualityFixtures();
let results: SetQuality[];

beforeAll(async () => {
  results = await Promise.all(fixtures.map(rulesSetQuality));
});

describe('the rules generator writes sets a business owner would keep reading', () => {
  it.each(fixtures.map((fixture, i) => [fixture.name, i] as const))('%s', (_name, i) => {
    const quality = results[i] as SetQuality;

    expect(quality.schemaValid).toBe(true);
    expect(quality.groundedRate).toBeGreaterThanOrEqual(0.95);
    expect(quality.repeatedSentences).toBe(0);
    expect(quality.badTitles).toEqual([]);
    expect(quality.contradictions).toBe(0);
    expect(quality.unmet).toEqual([]);
  });

  it('uses all five categories across the three demo tenants', () => {
    const used = new Set(results.slice(0, 3).flatMap((quality) => quality.categories));

    expect([...used].sort()).toEqual(['finance', 'leadership', 'marketing', 'operations', 'strategy']);
  });
});
