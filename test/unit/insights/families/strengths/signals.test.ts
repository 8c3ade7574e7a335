import type { BusinessSnapshot, Performance } from '../../../../../functions/shared/business-api/model';
import { defaultSignalThresholds, factMetrics } from '../../../../../functions/insights/families/family';
import { strengthSignals } from '../../../../../functions/insights/families/strengths/signals';

const NOW = new Date('2024-06-15T12:00:00Z');

const withPerformance = (performance: Performance): BusinessSnapshot => ({
  tenantId: 'tenant-1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  performance,
});

describe('strengthSignals', () => {
  it('states strong performance without a leading component when the scorecard has none', () => {
    const [signal] = strengthSignals(withPerformance({ overallScore: 84 }), NOW, defaultSignalThresholds);

    expect(signal?.summary).toBe('The overall score is 84, at or above the strong mark of 80.');
    expect(signal?.payload).toEqual({ overallScore: 84, threshold: 80 });
  });

  it('names a single component as the strongest only, not also as the weakest', () => {
    const performance: Performance = { overallScore: 90, trend: 'up', components: [{ name: 'Cash flow', score: 91 }] };

    const [signal] = strengthSignals(withPerformance(performance), NOW, defaultSignalThresholds);

    expect(signal?.summary).toBe(
      "The overall score is 90, at or above the strong mark of 80, led by 'Cash flow' at 91.",
    );
    expect(signal?.payload).toEqual({
      overallScore: 90,
      threshold: 80,
      trend: 'up',
      strongest: { name: 'Cash flow', score: 91 },
    });
    expect(signal?.facts.map((fact) => fact.metric)).not.toContain(factMetrics.weakestComponent);
  });
});
