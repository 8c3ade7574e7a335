import { fingerprintOf, finalizeDrafts, type SourcedDraft } from '../../../functions/insights/generation';

const draft = (title: string, overrides: Partial<SourcedDraft> = {}): SourcedDraft => ({
  title,
  description: `About ${title}, long enough to be valid.`,
  category: 'operations',
  priority: 'medium',
  actionable: true,
  suggestedActions: ['Act on it'],
  evidence: [{ source: 'goals', metric: 'status', value: 'at risk' }],
  source: 'llm',
  ...overrides,
});

const notice = draft('Connect your goals', { signalKey: 'data_gap:goals', source: 'rules' });

describe('fingerprintOf', () => {
  it('uses the signal key when there is one, else category and normalized title', () => {
    expect(fingerprintOf(draft('x', { signalKey: 'goal_at_risk:g1' }))).toBe('goal_at_risk:g1');
    expect(fingerprintOf(draft('Fix the  Van-Fleet!'))).toBe('operations:fix the van fleet');
  });
});

describe('finalizeDrafts', () => {
  it('removes suppressed and duplicate fingerprints and tops up from the reserve to five', () => {
    const primary = [draft('A'), draft('a'), draft('B'), draft('C')];
    const reserve = [draft('C', { source: 'rules' }), draft('D', { source: 'rules' }), draft('E', { source: 'rules' })];

    const result = finalizeDrafts(primary, reserve, new Set(['operations:b']));

    expect(result.map((d) => d.title)).toEqual(['A', 'C', 'D', 'E']);
  });

  it('caps the set at ten', () => {
    const primary = Array.from({ length: 12 }, (_, i) => draft(`Insight ${i}`));

    expect(finalizeDrafts(primary, [], new Set())).toHaveLength(10);
  });

  it('puts the data-gap notice in the last place when no draft says what was missing', () => {
    const primary = Array.from({ length: 10 }, (_, i) => draft(`Insight ${i}`));

    const result = finalizeDrafts(primary, [], new Set(), notice);

    expect(result).toHaveLength(10);
    expect(result[9]).toBe(notice);
  });

  it('adds no notice when a draft already speaks about the missing data', () => {
    const primary = [
      ...Array.from({ length: 5 }, (_, i) => draft(`Insight ${i}`)),
      draft('Data missing', { signalKey: 'data_gap' }),
    ];

    expect(finalizeDrafts(primary, [], new Set(), notice)).not.toContain(notice);
  });

  it('adds no notice the user dismissed', () => {
    const primary = Array.from({ length: 5 }, (_, i) => draft(`Insight ${i}`));

    expect(finalizeDrafts(primary, [], new Set(['data_gap:goals']), notice)).not.toContain(notice);
  });
});
