import type { BusinessSnapshot } from '../../../../../functions/shared/business-api/model';
import { defaultSignalThresholds, factMetrics } from '../../../../../functions/insights/families/family';
import { issueSignals } from '../../../../../functions/insights/families/issues/signals';

const NOW = new Date('2024-06-15T12:00:00Z');

describe('issueSignals', () => {
  it('treats a high-priority issue without a status as open, stating no status', () => {
    const snapshot: BusinessSnapshot = {
      tenantId: 'tenant-1',
      fetchedAt: NOW.toISOString(),
      gaps: [],
      dropped: {},
      issues: [{ id: 'i1', title: 'Supplier raised copper prices', priority: 'high' }],
    };

    const signals = issueSignals(snapshot, NOW, defaultSignalThresholds);

    expect(signals.map((signal) => [signal.key, signal.summary])).toEqual([
      ['open_high_impact_issue:i1', "High-priority issue 'Supplier raised copper prices' is open."],
    ]);
    expect(signals[0]?.facts.map((fact) => fact.metric)).toEqual([factMetrics.issue, factMetrics.issuePriority]);
    expect(signals[0]?.payload).not.toHaveProperty('status');
  });
});
