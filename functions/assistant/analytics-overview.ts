import { lowerIsBetter, metricLabels, type TrendSignal } from '../insights/families/trends/signals';
import { matchingInsights } from '../insights/query';
import type { InsightsService } from '../insights/service';
import type { MetricDay } from '../shared/metrics/model';
import { daysBefore, headlineMetrics, seriesOf } from '../shared/metrics/trends';
import { TIME_RANGES, type AnalyticsOverview, type AnalyticsOverviewBody } from './model';

/** A headline metric of the history (those the overview reports). */
export type HeadlineMetric = (typeof headlineMetrics)[number];

/** How many trend signals and insights the overview names. */
export const TOP_SIGNALS = 5;
export const TOP_INSIGHTS = 3;

/** A range of calendar days, both included. */
export interface DayRange {
  readonly start: string;
  readonly end: string;
}

/** The body's range ending today, and the range of equal length just before it. */
export const rangesOf = (
  period: AnalyticsOverviewBody['timeRange'],
  today: string,
): { current: DayRange; previous: DayRange } => {
  const days = TIME_RANGES[period];
  const start = daysBefore(today, days - 1);
  return { current: { start, end: today }, previous: { start: daysBefore(start, days), end: daysBefore(start, 1) } };
};

const round1 = (value: number): number => Math.round(value * 10) / 10;

const within = (days: readonly MetricDay[], range: DayRange): MetricDay[] =>
  days.filter((day) => day.date >= range.start && day.date <= range.end);

const averageOf = (values: readonly number[]): number | null =>
  values.length === 0 ? null : round1(values.reduce((total, value) => total + value, 0) / values.length);

/** One metric over a range: how many days have a value, the latest, the average, the lowest and the highest. */
export const metricSummary = (days: readonly MetricDay[], metric: HeadlineMetric) => {
  const series = seriesOf(days, metric);
  const values = series.map((point) => point.value);
  const latest = series.at(-1);
  return {
    metric,
    label: metricLabels[metric],
    points: series.length,
    latest: latest ? { date: latest.date, value: latest.value } : null,
    average: averageOf(values),
    min: values.length === 0 ? null : Math.min(...values),
    max: values.length === 0 ? null : Math.max(...values),
  };
};

/**
 * A metric's average over the current range against the previous one: the change, the change in percent of the
 * previous average (null when that is 0), and whether it is good news (a fall is, for issue and risk counts).
 */
export const periodComparison = (current: number | null, previous: number | null, metric: HeadlineMetric) => {
  if (current === null || previous === null) {
    return { metric, current, previous, change: null, changePercent: null, assessment: 'no_data' as const };
  }
  const change = round1(current - previous);
  const changePercent = previous === 0 ? null : round1((change / Math.abs(previous)) * 100);
  const better = lowerIsBetter.has(metric) ? change < 0 : change > 0;
  const assessment = change === 0 ? ('unchanged' as const) : better ? ('better' as const) : ('worse' as const);
  return { metric, current, previous, change, changePercent, assessment };
};

/** A tenant's stored insight set as InsightsService.cached answers it. */
export type CachedInsights = NonNullable<Awaited<ReturnType<InsightsService['cached']>>>;

/** What the overview is made of: the history read, the trend signals, and the cached insight set (if asked for). */
export interface OverviewFacts {
  readonly today: string;
  /** The history's days from the previous range's start (the current range's, without comparisons) to today. */
  readonly days: readonly MetricDay[];
  readonly historyDays: number;
  readonly signals: readonly TrendSignal[];
  /** The cached set: `null` when none is stored; absent when the body did not ask for insights. */
  readonly insights?: CachedInsights | null;
}

/** The message of an overview for a tenant with no insight set yet. */
export const NO_INSIGHTS_MESSAGE =
  'No insights have been generated for this account yet: they are made when the Insights page is opened or ' +
  'refreshed, and by the nightly run. This overview never generates them.';

const insightsView = (cached: CachedInsights | null): NonNullable<AnalyticsOverview['insights']> => {
  if (!cached) return { available: false, message: NO_INSIGHTS_MESSAGE, top: [] };
  const active = matchingInsights(cached.set.insights, { status: 'active' });
  return {
    available: true,
    generatedAt: cached.set.generatedAt,
    stale: cached.stale,
    source: cached.source,
    activeCount: active.length,
    top: active.slice(0, TOP_INSIGHTS).map(({ id, title, category, priority, description }) => ({
      id,
      title,
      category,
      priority,
      description,
    })),
  };
};

/** The analytics overview of a tenant from its facts, with the sections the body asks for. */
export const analyticsOverviewOf = (facts: OverviewFacts, body: AnalyticsOverviewBody): AnalyticsOverview => {
  const { current, previous } = rangesOf(body.timeRange, facts.today);
  const metrics = body.metrics ?? [...headlineMetrics];
  const currentDays = within(facts.days, current);
  const summaries = metrics.map((metric) => metricSummary(currentDays, metric));
  const previousDays = within(facts.days, previous);
  return {
    timeRange: { period: body.timeRange, start: current.start, end: current.end, days: TIME_RANGES[body.timeRange] },
    metrics: summaries,
    trends: {
      ...(body.includeComparisons
        ? {
            comparisons: {
              previous,
              metrics: summaries.map((summary) =>
                periodComparison(summary.average, metricSummary(previousDays, summary.metric).average, summary.metric),
              ),
            },
          }
        : {}),
      historyDays: facts.historyDays,
      signals: facts.signals
        .slice(0, TOP_SIGNALS)
        .map(({ key, kind, priority, category, summary }) => ({ key, kind, priority, category, summary })),
    },
    ...(facts.insights === undefined ? {} : { insights: insightsView(facts.insights) }),
  };
};
