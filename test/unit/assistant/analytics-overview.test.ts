import { NO_INSIGHTS_MESSAGE, rangesOf } from '../../../functions/assistant/analytics-overview';
import { analyticsOverviewBodySchema } from '../../../functions/assistant/model';
import { AssistantService } from '../../../functions/assistant/service';
import type { InsightSet } from '../../../functions/insights/model';
import { daysBefore, headlineMetrics } from '../../../functions/shared/metrics/trends';
import type { MetricValues } from '../../../functions/shared/metrics/model';
import { ASSISTANT_NOW, assistantTwins, type AssistantTwins } from '../../support/assistant-fakes';
import { anInsight } from '../../support/insight-factory';
import { testInvocation } from '../../support/invocation';

const TODAY = '2026-11-21';
const KEEP = ASSISTANT_NOW.getTime() / 1000 + 400 * 86_400;

let twins: AssistantTwins;
let service: AssistantService;

beforeEach(() => {
  twins = assistantTwins();
  service = new AssistantService(twins.deps);
});

const overview = async (input: Record<string, unknown>, tenantId = 'tenant-a') =>
  service.analyticsOverview(testInvocation({ tenantId }).invocation, analyticsOverviewBodySchema.parse(input));

/** Records `values(date)` for every day from `from` to `to`. */
const recordDays = async (tenantId: string, from: string, to: string, values: (date: string) => MetricValues) => {
  for (let date = from; date <= to; date = daysBefore(date, -1)) {
    await twins.history.record(tenantId, date, values(date), KEEP);
  }
};

describe('rangesOf', () => {
  it.each([
    ['last_7_days', { start: '2026-11-15', end: TODAY }, { start: '2026-11-08', end: '2026-11-14' }],
    ['last_30_days', { start: '2026-10-23', end: TODAY }, { start: '2026-09-23', end: '2026-10-22' }],
    ['last_90_days', { start: '2026-08-24', end: TODAY }, { start: '2026-05-26', end: '2026-08-23' }],
  ] as const)('%s ends today and is preceded by a range of equal length', (period, current, previous) => {
    expect(rangesOf(period, TODAY)).toEqual({ current, previous });
  });
});

describe('AssistantService.analyticsOverview', () => {
  it('summarises each metric over the range and compares its average with the range before it', async () => {
    await recordDays('tenant-a', '2026-11-08', '2026-11-14', () => ({
      overallScore: 50,
      openIssues: 4,
      criticalIssues: 0,
      completionRate: 40,
    }));
    await recordDays('tenant-a', '2026-11-15', TODAY, (date) => ({
      overallScore: date === TODAY ? 66 : 60,
      openIssues: 2,
      criticalIssues: 1,
      completionRate: 40,
      atRisk: 3,
    }));
    await recordDays('tenant-b', '2026-11-08', TODAY, () => ({ overallScore: 99 }));

    const result = await overview({
      timeRange: 'last_7_days',
      metrics: ['overallScore', 'openIssues', 'criticalIssues', 'completionRate', 'atRisk'],
    });

    expect(result.timeRange).toEqual({ period: 'last_7_days', start: '2026-11-15', end: TODAY, days: 7 });
    expect(result.metrics[0]).toEqual({
      metric: 'overallScore',
      label: 'Overall score',
      points: 7,
      latest: { date: TODAY, value: 66 },
      average: 60.9,
      min: 60,
      max: 66,
    });
    expect(result.trends.comparisons).toEqual({
      previous: { start: '2026-11-08', end: '2026-11-14' },
      metrics: [
        {
          metric: 'overallScore',
          current: 60.9,
          previous: 50,
          change: 10.9,
          changePercent: 21.8,
          assessment: 'better',
        },
        { metric: 'openIssues', current: 2, previous: 4, change: -2, changePercent: -50, assessment: 'better' },
        { metric: 'criticalIssues', current: 1, previous: 0, change: 1, changePercent: null, assessment: 'worse' },
        { metric: 'completionRate', current: 40, previous: 40, change: 0, changePercent: 0, assessment: 'unchanged' },
        { metric: 'atRisk', current: 3, previous: null, change: null, changePercent: null, assessment: 'no_data' },
      ],
    });
  });

  it('reports an empty history as no data, no signals, and no insight set yet (never generating one)', async () => {
    const result = await overview({ timeRange: 'last_30_days' });

    expect(result.metrics.map((metric) => metric.metric)).toEqual(headlineMetrics);
    expect(result.metrics[0]).toEqual({
      metric: 'overallScore',
      label: 'Overall score',
      points: 0,
      latest: null,
      average: null,
      min: null,
      max: null,
    });
    expect(result.trends.comparisons?.metrics.map((metric) => metric.assessment)).toEqual(Array(7).fill('no_data'));
    expect(result.trends).toMatchObject({ historyDays: 0, signals: [] });
    expect(result.insights).toEqual({ available: false, message: NO_INSIGHTS_MESSAGE, top: [] });
    expect(twins.insights.cached).toHaveBeenCalledTimes(1);
  });

  it('names the top trend signals of the history (a falling overall score), the strongest first', async () => {
    await recordDays('tenant-a', daysBefore(TODAY, 40), TODAY, (date) => ({
      overallScore: 50 + Math.max(0, Math.round((Date.parse(TODAY) - Date.parse(date)) / 86_400_000) - 10),
    }));

    const { trends } = await overview({ timeRange: 'last_30_days', includeInsights: false });

    expect(trends.historyDays).toBe(41);
    expect(trends.signals[0]).toMatchObject({ key: 'score_change', kind: 'score_change', category: 'strategy' });
    expect(trends.signals[0]?.summary).toMatch(/^Overall score fell 20 points in 30 days \(70 -> 50\)/);
  });

  it('reads only the range without comparisons, and leaves the insights out when not asked for', async () => {
    const days = jest.spyOn(twins.history, 'days');

    const result = await overview({ timeRange: 'last_7_days', includeComparisons: false, includeInsights: false });

    expect(result.trends.comparisons).toBeUndefined();
    expect(result.insights).toBeUndefined();
    expect(twins.insights.cached).not.toHaveBeenCalled();
    expect(days).toHaveBeenCalledWith('tenant-a', '2026-11-15', TODAY, expect.any(Number));
  });

  it('answers the cached set as it stands: its active insights, the most urgent first', async () => {
    const set: InsightSet = {
      tenantId: 'tenant-a',
      setId: 'set-1',
      generatedAt: '2026-11-20T08:00:00.000Z',
      expiresAt: '2026-11-21T08:00:00.000Z',
      insights: [
        anInsight({ id: 'low', priority: 'low' }),
        anInsight({ id: 'dismissed', priority: 'critical', status: 'dismissed' }),
        anInsight({ id: 'high', priority: 'high' }),
        anInsight({ id: 'critical', priority: 'critical' }),
        anInsight({ id: 'medium', priority: 'medium' }),
      ],
      dataGaps: [],
      provenance: { promptTopic: 'insights_generation', promptVersion: '1.0', outcome: 'rules' },
      revision: 0,
    };
    twins.insights.cached.mockResolvedValue({ set, stale: true, source: 'rules' });

    const { insights } = await overview({ timeRange: 'last_7_days' });

    expect(insights).toMatchObject({
      available: true,
      generatedAt: '2026-11-20T08:00:00.000Z',
      stale: true,
      source: 'rules',
      activeCount: 4,
    });
    expect(insights?.top.map((insight) => insight.id)).toEqual(['critical', 'high', 'medium']);
    expect(insights?.top[0]).toEqual({
      id: 'critical',
      title: expect.any(String),
      category: 'operations',
      priority: 'critical',
      description: 'A description long enough to pass validation.',
    });
  });
});
