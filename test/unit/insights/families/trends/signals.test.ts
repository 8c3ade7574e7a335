import type { BusinessSnapshot } from '../../../../../functions/shared/business-api/model';
import type { TrendReport } from '../../../../../functions/shared/metrics/trends';
import { computeSignals } from '../../../../../functions/insights/signals';
import { RulesInsightGenerator } from '../../../../../functions/insights/rules-insight-generator';
import { invocationFor } from '../../../../support/fakes';

const NOW = new Date('2026-12-02T09:00:00Z');
const snapshot: BusinessSnapshot = { tenantId: 't1', fetchedAt: NOW.toISOString(), gaps: [], dropped: {} };
const change = { days: 30, from: 62.4, to: 47.2, change: -15.2, fromDate: '2026-11-02', toDate: '2026-12-02' };
const report = (parts: Partial<TrendReport>): TrendReport => ({
  asOf: '2026-12-02',
  historyDays: 60,
  changes: [],
  newTrends: [],
  unusual: [],
  stalledGoals: [],
  goalPace: [],
  ...parts,
});
const goal = { id: 'g1', title: 'Open second depot', targetDate: '2027-03-31' };
const trendKinds = (trends?: TrendReport) =>
  computeSignals(snapshot, NOW, {}, trends).map((signal) => [signal.key, signal.priority]);

describe('the trends family', () => {
  it('claims nothing without a history', () => {
    expect(trendKinds(undefined)).toEqual([]);
  });

  it('states a score fall in whole points with the components that drove it', () => {
    const [signal] = computeSignals(
      snapshot,
      NOW,
      {},
      report({
        overall: {
          change,
          drivers: [{ component: 'Goals', change: 3.6, from: 50.2, to: 53.8 }],
          detractors: [{ component: 'KPIs', change: -22.4, from: 70.4, to: 48 }],
        },
      }),
    );

    expect(signal).toMatchObject({ key: 'score_change', priority: 'high' });
    expect(signal?.summary).toBe(
      'Overall score fell 15 points in 30 days (62 -> 47), mostly from KPIs (-22); Goals (+4) moved the other way.',
    );
  });

  it('leaves a move under 5 points alone', () => {
    const small = { ...change, from: 50, to: 47, change: -3 };

    expect(trendKinds(report({ overall: { change: small, drivers: [], detractors: [] } }))).toEqual([]);
  });

  it("states a goal's pace with its rate, and says a stalled goal is stalled instead of repeating its pace", () => {
    const pace = { ...goal, progress: 40, perWeek: 2, projected: 74, onPace: false };
    const signals = computeSignals(
      snapshot,
      NOW,
      {},
      report({
        goalPace: [pace, { ...pace, id: 'g2', title: 'Stuck goal' }, { ...pace, id: 'g3', onPace: true }],
        stalledGoals: [{ id: 'g2', title: 'Stuck goal', progress: 40, days: 21, since: '2026-11-11' }],
      }),
    );

    expect(signals.map((signal) => signal.key).sort()).toEqual(['goal_off_pace:g1', 'goal_stalled:g2']);
    expect(signals.find((signal) => signal.key === 'goal_off_pace:g1')?.summary).toBe(
      "At 2 points a week, 'Open second depot' reaches 74% by 2027-03-31, not 100% (it is at 40% now).",
    );
  });

  it('a rise in a metric where lower is better is bad news', () => {
    const unusual = { date: '2026-12-02', from: 1, to: 6, change: 5, z: 8, typicalChange: 0.5 };

    expect(trendKinds(report({ unusual: [{ metric: 'overdueActions', ...unusual }] }))).toEqual([
      ['unusual_change:overdueActions', 'high'],
    ]);
    expect(trendKinds(report({ unusual: [{ metric: 'completionRate', ...unusual }] }))).toEqual([
      ['unusual_change:completionRate', 'low'],
    ]);
  });

  it('the rules write a trend insight whose every number is one of its evidence', async () => {
    const trends = report({
      overall: { change, drivers: [], detractors: [{ component: 'KPIs', change: -22, from: 70, to: 48 }] },
    });
    const signals = computeSignals(snapshot, NOW, {}, trends);

    const { drafts } = await new RulesInsightGenerator().generate({
      invocation: invocationFor('t1'),
      snapshot,
      signals,
      dismissals: [],
      now: NOW,
      requestType: 'insights',
      strictModel: false,
    });
    const insight = drafts.find((draft) => draft.signalKey === 'score_change');
    const stated = insight?.description.match(/\d+(\.\d+)?/g)?.map(Number) ?? [];
    const evidence = new Set<number>(
      insight?.evidence.flatMap((item) => (typeof item.value === 'number' ? [Math.abs(item.value)] : [])),
    );

    expect(insight?.title).toBe('Overall score down 15 points');
    expect(stated.filter((n) => !evidence.has(n))).toEqual([]);
  });
});
