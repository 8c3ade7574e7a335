import { expectAGoodSet, rulesSetQuality, type SetQuality } from './checks';
import { qualityFixtures } from './fixtures';

const fixtures = qualityFixtures();
let results: SetQuality[];

beforeAll(async () => {
  results = await Promise.all(fixtures.map(rulesSetQuality));
});

describe('the rules generator writes sets a business owner would keep reading', () => {
  it.each(fixtures.map((fixture, i) => [fixture.name, i] as const))('%s', (_name, i) => {
    expectAGoodSet(results[i] as SetQuality);
  });

  it('uses all five categories across the three demo tenants', () => {
    const used = new Set(results.slice(0, 3).flatMap((quality) => quality.categories));

    expect([...used].sort()).toEqual(['finance', 'leadership', 'marketing', 'operations', 'strategy']);
  });
});
