import type { BusinessSnapshot } from '../../../../../functions/shared/business-api/model';
import { defaultSignalThresholds, factMetrics } from '../../../../../functions/insights/families/family';
import { goalSignals } from '../../../../../functions/insights/families/goals/signals';

const NOW = new Date('2024-06-15T12:00:00Z');

const snapshotWith = (parts: Partial<BusinessSnapshot>): BusinessSnapshot => ({
  tenantId: 'tenant-1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  ...parts,
});

describe('goalSignals', () => {
  it('states an overdue goal without a status as not marked completed, with no status fact', () => {
    const snapshot = snapshotWith({
      goals: [{ id: 'g1', title: 'Open a second van route', targetDate: '2024-06-01' }],
    });

    const [signal] = goalSignals(snapshot, NOW, defaultSignalThresholds);

    expect(signal?.summary).toBe(
      "Goal 'Open a second van route' passed its target date of 2024-06-01 (14 days ago) and is not marked completed.",
    );
    expect(signal?.facts.map((fact) => fact.metric)).not.toContain(factMetrics.goalStatus);
    expect(signal?.payload).not.toHaveProperty('status');
  });

  it('states a goal without a status and without actions as not marked completed', () => {
    const snapshot = snapshotWith({ goals: [{ id: 'g1', title: 'Hire a dispatcher' }], actions: [] });

    const signals = goalSignals(snapshot, NOW, defaultSignalThresholds);

    expect(signals.map((signal) => [signal.kind, signal.priority, signal.summary])).toEqual([
      [
        'goal_without_actions',
        'low',
        "Goal 'Hire a dispatcher' is not marked completed and has no actions linked to it.",
      ],
    ]);
  });

  it('states a low completion rate without counts when the stats give only a rate and a total', () => {
    const snapshot = snapshotWith({ goalStats: { totalGoals: 8, completionRate: 12.5 } });

    const [signal] = goalSignals(snapshot, NOW, defaultSignalThresholds);

    expect(signal?.kind).toBe('low_goal_completion');
    expect(signal?.summary).toBe('Only 13% of goals are completed, below the 30% threshold.');
    expect(signal?.facts.map((fact) => fact.metric)).toEqual([
      factMetrics.completionRate,
      factMetrics.totalGoals,
      factMetrics.lowCompletionThreshold,
    ]);
    expect(signal?.payload).not.toHaveProperty('completedGoals');
  });
});
