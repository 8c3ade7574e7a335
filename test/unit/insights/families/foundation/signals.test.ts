import type { BusinessSnapshot } from '../../../../../functions/shared/business-api/model';
import { defaultSignalThresholds, factMetrics } from '../../../../../functions/insights/families/family';
import { foundationSignals } from '../../../../../functions/insights/families/foundation/signals';

const NOW = new Date('2024-06-15T12:00:00Z');

describe('foundationSignals', () => {
  it.each([['Be the best there is'], ['— ★ —']])(
    'flags a vision without keywords (%j) when no goal is active, stating no keywords',
    (vision) => {
      const snapshot: BusinessSnapshot = {
        tenantId: 'tenant-1',
        fetchedAt: NOW.toISOString(),
        gaps: [],
        dropped: {},
        foundation: { vision },
        goals: [{ id: 'g1', title: '★★★', status: 'completed' }],
      };

      const signals = foundationSignals(snapshot, NOW, defaultSignalThresholds);

      expect(signals.map((signal) => [signal.kind, signal.priority])).toEqual([['vision_without_goals', 'high']]);
      expect(signals[0]?.facts.map((fact) => fact.metric)).toEqual([factMetrics.vision, factMetrics.activeGoals]);
    },
  );
});
