import { classifyIntent, intentAnalysis } from '../../../functions/analyses/types/intent';
import { MIN_POINTS_FOR_SIGNIFICANCE, pearson, permutationPValue } from '../../../functions/analyses/statistics';
import { analysisContext } from '../../support/analysis-context';
import { analysisTypes } from '../../../functions/analyses/registry';

describe('intent keyword classifier', () => {
  it.each([
    ['Why did my score drop last month?', 'root_cause'],
    ['Help me set a SMART goal for revenue', 'goal_planning'],
    ['I was charged twice on my invoice', 'billing'],
    ['Are my plans aligned with our vision and values?', 'strategy_question'],
  ])('classifies %s as %s', (message, intent) => {
    expect(classifyIntent(message).intent).toBe(intent);
  });

  it('falls back to general with low confidence and names the found keywords otherwise', () => {
    expect(classifyIntent('hello there')).toMatchObject({ intent: 'general', confidence: 0.3 });
    expect(classifyIntent('Why did it drop?').entities).toEqual(['why', 'drop']);
  });

  it('validator names an entity the message does not contain; offline is the keyword classifier', () => {
    const context = analysisContext({ message: 'Why did revenue drop?' });
    const facts = intentAnalysis.precompute(context);
    const inconsistencies = intentAnalysis.validate(
      { intent: 'root_cause', confidence: 0.8, entities: ['revenue', 'churn'], suggestedActions: ['Look'] },
      facts,
      context,
    );
    expect(inconsistencies).toEqual([
      { name: 'entity_not_in_message', detail: '"churn" does not appear in the message' },
    ]);
    expect(intentAnalysis.offline(context, facts)).toEqual(classifyIntent('Why did revenue drop?'));
  });
});

describe('statistics', () => {
  const xs = Array.from({ length: 20 }, (_, i) => i);
  it('pearson is 1 for a linear relation and 0 for a constant', () => {
    expect(
      pearson(
        xs,
        xs.map((x) => 2 * x + 1),
      ),
    ).toBeCloseTo(1);
    expect(
      pearson(
        xs,
        xs.map(() => 5),
      ),
    ).toBe(0);
  });
  it('permutation p-value is small for a strong relation, deterministic, and absent for short series', () => {
    const ys = xs.map((x) => x * 3 + (x % 3));
    const p = permutationPValue(xs, ys);
    expect(p).toBeLessThan(0.01);
    expect(permutationPValue(xs, ys)).toBe(p);
    expect(permutationPValue(xs.slice(0, MIN_POINTS_FOR_SIGNIFICANCE - 1), ys.slice(0, 13))).toBeUndefined();
  });
});

describe('registry', () => {
  it('lists the known types', () => {
    expect(analysisTypes()).toEqual(expect.arrayContaining(['intent', 'strategy-alignment']));
  });
});
