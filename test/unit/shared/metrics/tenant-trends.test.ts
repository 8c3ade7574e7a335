import type { BusinessSnapshot } from '../../../../functions/shared/business-api/model';
import { InMemoryMetricHistory } from '../../../../functions/shared/metrics/store';
import { recordSnapshotTrends, storedTrends } from '../../../../functions/shared/metrics/tenant-trends';
import { recordingLog } from '../../../support/invocation';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const TODAY = '2026-12-02';
const snapshot = (overallScore: number): BusinessSnapshot => ({
  tenantId: 't1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  performance: { overallScore, components: [{ name: 'KPIs', score: 48 }] },
  goals: [{ id: 'g1', title: 'Open second depot', progress: 35, targetDate: '2027-03-31T00:00:00' }],
});

describe('recordSnapshotTrends', () => {
  it('records the day (the last write wins) with the names of its goals and components', async () => {
    const history = new InMemoryMetricHistory(() => NOW);
    const { log } = recordingLog();

    await recordSnapshotTrends(history, log, snapshot(58), NOW, 400);
    await recordSnapshotTrends(history, log, snapshot(60), NOW, 400);

    expect(await history.series('t1', { metric: 'overallScore', from: TODAY, to: TODAY })).toEqual([
      { date: TODAY, value: 60 },
    ]);
    expect(await history.entities('t1', NOW.getTime() / 1000)).toEqual({
      goals: [{ id: 'g1', title: 'Open second depot', targetDate: '2027-03-31' }],
      components: ['KPIs'],
    });
    expect((await storedTrends(history, 't1', NOW)).asOf).toBe(TODAY);
  });

  it('never fails the generation: a failed write still reports on today, a failed read reports nothing; both logged', async () => {
    const history = new InMemoryMetricHistory(() => NOW);
    await history.record('t1', '2026-11-02', { overallScore: 70 }, NOW.getTime() / 1000 + 86_400);
    const unwritable = Object.assign(Object.create(history) as InMemoryMetricHistory, {
      record: () => Promise.reject(new Error('throttled')),
    });
    const unreadable = Object.assign(Object.create(history) as InMemoryMetricHistory, {
      days: () => Promise.reject(new Error('down')),
    });
    const { log, lines } = recordingLog();

    const report = await recordSnapshotTrends(unwritable, log, snapshot(58), NOW, 400);
    const none = await recordSnapshotTrends(unreadable, log, snapshot(58), NOW, 400);

    expect(report?.overall?.change).toMatchObject({ from: 70, to: 58, change: -12, days: 30 });
    expect(none).toBeUndefined();
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.fields?.error)).toEqual([
      'Error: throttled',
      'Error: down',
    ]);
  });
});
