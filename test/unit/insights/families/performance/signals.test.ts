import type { BusinessSnapshot, Performance } from '../../../../../functions/shared/business-api/model';
import { defaultSignalThresholds, factMetrics } from '../../../../../functions/insights/families/family';
import { performanceSignals } from '../../../../../functions/insights/families/performance/signals';

const NOW = new Date('2024-06-15T12:00:00Z');

const withPerformance = (performance: Performance): BusinessSnapshot => ({
  tenantId: 'tenant-1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  performance,
});

describe('performanceSignals', () => {
  it('states a low overall score without a weakest component when the scorecard has none', () => {
    const signals = performanceSignals(withPerformance({ overallScore: 48.6 }), NOW, defaultSignalThresholds);

    expect(signals.map((signal) => [signal.kind, signal.summary])).toEqual([
      ['low_overall_score', 'The overall score is 49, below the threshold of 60.'],
    ]);
    expect(signals[0]?.facts.map((fact) => fact.metric)).toEqual([
      factMetrics.overallScore,
      factMetrics.lowScoreThreshold,
    ]);
  });

  it('states a downward trend without a score when no overall score is recorded', () => {
    const signals = performanceSignals(withPerformance({ trend: 'down' }), NOW, defaultSignalThresholds);

    expect(signals.map((signal) => [signal.kind, signal.summary])).toEqual([
      ['score_trending_down', 'The performance trend is down.'],
    ]);
    expect(signals[0]?.facts).toEqual([{ source: 'performance', metric: factMetrics.trend, value: 'down' }]);
    expect(signals[0]?.payload).toEqual({});
  });

  it('keys a component whose name has no Latin letters or digits as "component"', () => {
    const performance = { components: [{ name: '品質', score: 40 }] };

    const signals = performanceSignals(withPerformance(performance), NOW, defaultSignalThresholds);

    expect(signals.map((signal) => signal.key)).toEqual(['score_component_below_target:component']);
  });
});
