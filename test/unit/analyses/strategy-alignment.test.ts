import { strategyAlignmentAnalysis as def } from '../../../functions/analyses/types/strategy-alignment';
import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { analysisContext, ANALYSIS_NOW } from '../../support/analysis-context';

const snapshot: BusinessSnapshot = {
  tenantId: 't1',
  fetchedAt: ANALYSIS_NOW.toISOString(),
  gaps: [],
  dropped: {},
  foundation: {
    vision: 'Sustainable growth for local customers',
    purpose: 'Delight customers',
    coreValues: [{ name: 'Quality' }],
  },
  goals: [
    { id: 'g1', title: 'Grow local customers', status: 'on_track' },
    { id: 'g2', title: 'Refit the warehouse', status: 'at_risk' },
    { id: 'g3', title: 'Old goal', status: 'completed' },
  ],
};

describe('strategy-alignment', () => {
  const context = analysisContext({}, { snapshot });
  const facts = def.precompute(context);

  it('pre-computes what each active goal shares with the strategy, leaving completed goals out', () => {
    expect(facts.goals.map((goal) => [goal.id, goal.alignment.sharedThemes, goal.alignment.sharedWords])).toEqual([
      ['g1', ['reach'], ['local']],
      ['g2', [], []],
    ]);
  });

  it('offline scores the overlapping goal above the unrelated one, within 0-100, and passes its own validation', () => {
    const result = def.offline(context, facts);
    const [g1, g2] = result.goals;

    expect(g1?.score).toBeGreaterThan(g2?.score ?? 100);
    expect(g2?.score).toBe(0);
    expect(result.recommendations.length).toBeGreaterThanOrEqual(3);
    expect(def.resultSchema['~standard'].validate(result)).toMatchObject({ value: result });
    expect(def.validate(result, facts, context)).toEqual([]);
  });

  it('offline on the demo tenant scores every active goal and says the scores come from shared words and themes', () => {
    const demo = analysisContext({}, { tenantId: 'brightside-dental' });
    const result = def.offline(demo, def.precompute(demo));

    expect(result.goals.map((goal) => goal.goalId)).toEqual(['301', '302', '304', '305']);
    expect(result.goals.find((goal) => goal.goalId === '301')?.reason).toContain('the reach theme');
    expect(result.goals.every((goal) => goal.reason.includes('(offline'))).toBe(true);
  });

  it('rejects scores that disagree with their reasons, unknown or unscored goals and an off overall score', () => {
    const names = def
      .validate(
        {
          goals: [
            { goalId: 'g1', title: 'a', score: 90, reason: 'Not aligned with the vision', gap: 'none' },
            { goalId: 'zz', title: 'c', score: 20, reason: 'Strongly supports the purpose', gap: 'none' },
          ],
          overallScore: 95,
          recommendations: ['a', 'b', 'c'],
        },
        facts,
        context,
      )
      .map((i) => i.name);

    expect(names).toEqual([
      'score_contradicts_reason',
      'score_contradicts_reason',
      'unknown_goal',
      'goal_not_scored',
      'overall_score_off',
    ]);
  });

  it('refuses any request field (it reads the tenant data only)', () => {
    expect(def.requestSchema['~standard'].validate({ extra: 1 })).toHaveProperty('issues');
  });
});
