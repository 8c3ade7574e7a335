import type { BusinessSnapshot } from '../business-api/model';
import { DEFAULT_TIME_ZONE, localDay } from '../calendar';
import { epochSeconds } from '../dynamo/tables';
import type { LogSink } from '../observability';
import type { MetricDay, MetricEntities } from './model';
import { seriesKey } from './model';
import { snapshotMetrics } from './snapshot';
import type { MetricHistoryStore } from './store';
import { daysBefore, trendReport, type TrendReport } from './trends';

/** How many days of history a trend report reads (the longest statistic's window, with room). */
export const TREND_HISTORY_DAYS = 90;

/** The calendar day of an instant in a time zone (UTC by default): the day a snapshot is recorded under. */
export const dayOf = (now: Date, timeZone = DEFAULT_TIME_ZONE): string => localDay(now, timeZone);

/** The goals and components a snapshot names. */
const entitiesOf = (snapshot: BusinessSnapshot): MetricEntities => ({
  goals: (snapshot.goals ?? []).map((goal) => ({
    id: goal.id,
    title: goal.title,
    ...(goal.targetDate ? { targetDate: goal.targetDate.slice(0, 10) } : {}),
  })),
  components: (snapshot.performance?.components ?? []).map((component) => component.name),
});

/** Where there are no saved names: the goals and components the history's own series keys name (goal ids as titles). */
const entitiesInHistory = (days: readonly MetricDay[]): MetricEntities => {
  const keys = new Set(days.flatMap((day) => Object.keys(day.values)));
  const of = (metric: 'goalProgress' | 'componentScore'): string[] =>
    [...keys].filter((key) => key.startsWith(seriesKey(metric, ''))).map((key) => key.slice(metric.length + 1));
  return { goals: of('goalProgress').map((id) => ({ id, title: id })), components: of('componentScore') };
};

/**
 * Records today's metrics of a snapshot (today in the tenant's time zone) and the names of its goals and components,
 * and answers the trend report of the history up to today, today's values included. Neither failing fails the caller: a failed write still
 * reports on what was read (with today's values), a failed read reports nothing; both are logged.
 */
export const recordSnapshotTrends = async (
  history: MetricHistoryStore,
  log: LogSink,
  snapshot: BusinessSnapshot,
  now: Date,
  retentionDays: number,
  timeZone = DEFAULT_TIME_ZONE,
): Promise<TrendReport | undefined> => {
  const today = dayOf(now, timeZone);
  const values = snapshotMetrics(snapshot, now, timeZone);
  const entities = entitiesOf(snapshot);
  const expiresAt = epochSeconds(now) + retentionDays * 86_400;
  const [written, read] = await Promise.allSettled([
    Object.keys(values).length === 0
      ? Promise.resolve()
      : Promise.all([
          history.record(snapshot.tenantId, today, values, expiresAt),
          history.saveEntities(snapshot.tenantId, entities, expiresAt),
        ]),
    history.days(snapshot.tenantId, daysBefore(today, TREND_HISTORY_DAYS), today, epochSeconds(now)),
  ]);
  if (written.status === 'rejected') {
    log.warn('the day of metric history could not be recorded', { error: String(written.reason), day: today });
  }
  if (read.status === 'rejected') {
    log.warn('the metric history could not be read; no trends this time', { error: String(read.reason) });
    return undefined;
  }
  const earlier = read.value.filter((day) => day.date !== today);
  const todays = read.value.find((day) => day.date === today);
  const days = [...earlier, { date: today, values: { ...todays?.values, ...values } }];
  return trendReport(days, today, entities.goals, entities.components);
};

/** The trend report of the stored history up to `now`'s day in `timeZone` (no snapshot read). */
export const storedTrends = async (
  history: MetricHistoryStore,
  tenantId: string,
  now: Date,
  timeZone = DEFAULT_TIME_ZONE,
): Promise<TrendReport> => {
  const today = dayOf(now, timeZone);
  const [days, saved] = await Promise.all([
    history.days(tenantId, daysBefore(today, TREND_HISTORY_DAYS), today, epochSeconds(now)),
    history.entities(tenantId, epochSeconds(now)),
  ]);
  const entities = saved ?? entitiesInHistory(days);
  return trendReport(days, today, entities.goals, entities.components);
};
