import { classifyIntent, intentAnalysis } from '../../../functions/analyses/types/intent';
import { MIN_POINTS_FOR_SIGNIFICANCE, pearson, permutationPValue } from '../../../functions/analyses/statistics';
import { InMemoryMetricHistory } from '../../../functions/shared/metrics/store';
import { readHistory } from '../../../functions/analyses/model';
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

  it('validator names an undocumented intent and an out-of-range confidence', () => {
    const facts = intentAnalysis.precompute({ request: { message: 'x' }, data: {}, missing: [], history: {} });
    const names = intentAnalysis
      .validate({ intent: 'nope' as never, confidence: 3, entities: [], suggestedActions: [] }, facts)
      .map((i) => i.name);
    expect(names).toEqual(['unknown_intent', 'confidence_out_of_range']);
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

describe('history and registry', () => {
  it('reads only the window of the tenant, oldest first', async () => {
    const history = new InMemoryMetricHistory(() => new Date('2024-02-01T00:00:00Z'));
    const keep = Date.parse('2025-01-01') / 1000;
    await history.record('t1', '2024-01-03', { overallScore: 3 }, keep);
    await history.record('t1', '2024-01-01', { overallScore: 1 }, keep);
    await history.record('t1', '2023-12-01', { overallScore: 0 }, keep);
    await history.record('t2', '2024-01-02', { overallScore: 9 }, keep);
    const read = await readHistory(history, 't1', ['overallScore', 'openIssues'], '2024-01-01', '2024-01-31');
    expect(read.overallScore?.map((p) => p.value)).toEqual([1, 3]);
    expect(read.openIssues).toEqual([]);
  });
  it('lists the known types', () => {
    expect(analysisTypes()).toContain('intent');
  });
});
