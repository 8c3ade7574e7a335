import { strategyAlignmentAnalysis as def } from '../../../functions/analyses/types/strategy-alignment';

const input = {
  request: {},
  missing: [],
  history: {},
  data: {
    strategy: {
      vision: 'Sustainable growth for local customers',
      purpose: 'Delight customers',
      coreValues: ['Quality'],
    },
    goals: [
      { id: 'g1', title: 'Grow local customers', status: 'on_track' },
      { id: 'g2', title: 'Refit the warehouse', status: 'at_risk' },
    ],
  },
} as const;

describe('strategy-alignment', () => {
  const facts = def.precompute(input);
  it('offline scores the overlapping goal above the unrelated one and stays within 0-100', () => {
    const result = def.offline(input, facts);
    const [g1, g2] = result.goals;
    expect(g1?.score).toBeGreaterThan(g2?.score ?? 100);
    expect(g2?.score).toBe(0);
    expect(result.recommendations.length).toBeGreaterThanOrEqual(3);
    expect(def.validate(result, facts)).toEqual([]);
  });
  it('rejects scores that disagree with their reasons, and unknown goals', () => {
    const names = def
      .validate(
        {
          goals: [
            { goalId: 'g1', title: 'a', score: 90, reason: 'Not aligned with the vision', gap: '' },
            { goalId: 'g2', title: 'b', score: 20, reason: 'Strongly supports the purpose', gap: '' },
            { goalId: 'zz', title: 'c', score: 50, reason: 'partly', gap: '' },
          ],
          overallScore: 50,
          recommendations: ['a', 'b', 'c'],
        },
        facts,
      )
      .map((i) => i.name);
    expect(names).toEqual(['score_contradicts_reason', 'score_contradicts_reason', 'unknown_goal']);
  });
});
