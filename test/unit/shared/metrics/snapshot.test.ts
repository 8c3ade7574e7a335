import type { BusinessSnapshot } from '../../../../functions/shared/business-api/model';
import { snapshotMetrics } from '../../../../functions/shared/metrics/snapshot';

const snapshot = (parts: Partial<BusinessSnapshot>): BusinessSnapshot => ({
  tenantId: 't1',
  fetchedAt: '2026-12-02T09:00:00Z',
  gaps: [],
  dropped: {},
  ...parts,
});

describe('snapshotMetrics', () => {
  it('records the .NET fields, each component and goal by id, and the open issue and overdue action counts', () => {
    const values = snapshotMetrics(
      snapshot({
        performance: {
          overallScore: 61.26,
          components: [
            { name: 'KPIs', score: 48 },
            { name: 'Customer satisfaction', score: 72 },
          ],
        },
        goalStats: { completionRate: 40, atRisk: 2, behind: 1 },
        goals: [{ id: 'g1', title: 'Open a depot', progress: 38 }],
        issues: [
          { id: 'i1', title: 'Van', priority: 'critical', status: 'open' },
          { id: 'i2', title: 'Ads', priority: 'critical', status: 'resolved' },
          { id: 'i3', title: 'Hire', priority: 'low' },
        ],
        actions: [
          { id: 'a1', title: 'Due yesterday', dueDate: '2026-12-01', status: 'open' },
          { id: 'a2', title: 'Due today', dueDate: '2026-12-02' },
          { id: 'a3', title: 'Done late', dueDate: '2026-11-01', status: 'done' },
        ],
      }),
      new Date('2026-12-02T09:00:00Z'),
      'UTC',
    );

    expect(values).toEqual({
      overallScore: 61.3,
      'componentScore#KPIs': 48,
      kpis: 48,
      'componentScore#Customer satisfaction': 72,
      completionRate: 40,
      atRisk: 2,
      behindSchedule: 1,
      'goalProgress#g1': 38,
      openIssues: 2,
      criticalIssues: 1,
      overdueActions: 1,
    });
  });

  it('records nothing of a missing source (never a zero)', () => {
    expect(snapshotMetrics(snapshot({}), new Date('2026-12-02T09:00:00Z'), 'UTC')).toEqual({});
  });

  it("counts overdue in the tenant's time zone: at 02:00 UTC it is still yesterday in Los Angeles", () => {
    const dueYesterdayUtc = snapshot({ actions: [{ id: 'a1', title: 'Call back', dueDate: '2026-12-01' }] });
    const at = new Date('2026-12-02T02:00:00Z');

    expect(snapshotMetrics(dueYesterdayUtc, at, 'UTC').overdueActions).toBe(1);
    expect(snapshotMetrics(dueYesterdayUtc, at, 'America/Los_Angeles').overdueActions).toBe(0);
  });
});
