import type { BusinessSnapshot } from '../../../../../functions/shared/business-api/model';
import { actionSignals } from '../../../../../functions/insights/families/actions/signals';
import { defaultSignalThresholds } from '../../../../../functions/insights/families/family';

const NOW = new Date('2024-06-15T12:00:00Z');

describe('actionSignals', () => {
  it('names blocked actions untouched the longest first, those touched at the same time by title, and undated ones last', () => {
    const snapshot: BusinessSnapshot = {
      tenantId: 'tenant-1',
      fetchedAt: NOW.toISOString(),
      gaps: [],
      dropped: {},
      actions: [
        { id: 'a2', title: 'Renew permits', status: 'blocked', updatedAt: '2024-06-10' },
        { id: 'a3', title: 'Hire an apprentice', status: 'blocked', updatedAt: '2024-06-10' },
        { id: 'a4', title: 'Fix the website', status: 'blocked', createdAt: '2024-06-01' },
        { id: 'a1', title: 'Order van parts', status: 'blocked' },
      ],
    };

    const signals = actionSignals(snapshot, NOW, { ...defaultSignalThresholds, namedActions: 4 });

    expect(signals.map((signal) => [signal.kind, signal.payload])).toEqual([
      [
        'blocked_actions',
        {
          count: 4,
          actionTitles: ['Fix the website', 'Hire an apprentice', 'Renew permits', 'Order van parts'],
        },
      ],
    ]);
  });
});
