import * as z from '../zod';

/**
 * The metric names of a tenant's daily history: the .NET fields (the overall score, each score component by its
 * name, the goal statistics, the open/critical issue and overdue action counts) and two per-entity metrics,
 * `goalProgress`, `kpiValue` and `componentScore` (a score component by its name, for the components the .NET
 * scorecard names freely), which carry the entity's id.
 */
export const metricNames = [
  'overallScore',
  'goals',
  'strategies',
  'kpis',
  'actions',
  'completionRate',
  'atRisk',
  'behindSchedule',
  'openIssues',
  'criticalIssues',
  'overdueActions',
  'goalProgress',
  'kpiValue',
  'componentScore',
] as const;
/** One metric of the daily history. */
export type MetricName = (typeof metricNames)[number];

/** The metrics that are about one entity (a goal, a KPI) and so need an `entityId`. */
export const entityMetricNames = [
  'goalProgress',
  'kpiValue',
  'componentScore',
] as const satisfies readonly MetricName[];

/** Whether a metric is about one entity (and so needs an `entityId`). */
export const isEntityMetric = (metric: MetricName): boolean =>
  (entityMetricNames as readonly string[]).includes(metric);

export const metricNameSchema = z.enum(metricNames);

/** A calendar day, `YYYY-MM-DD`. */
export const metricDateSchema = z.iso.date();

/** One day's value of one metric. */
export interface MetricPoint {
  readonly date: string;
  readonly value: number;
}

/** Which series to read: one metric (and entity, for per-entity metrics) between two days, both included. */
export interface MetricSeriesQuery {
  readonly metric: MetricName;
  readonly entityId?: string;
  readonly from: string;
  readonly to: string;
}

/** The attribute a series is stored under: the metric, and for per-entity metrics `#` and the entity's id. */
export const seriesKey = (metric: MetricName, entityId?: string): string =>
  entityId === undefined ? metric : `${metric}#${entityId}`;

/** The series keys of one day with their values. */
export type MetricValues = Readonly<Record<string, number>>;

/** One day of a tenant's history: every series that has a value that day. */
export interface MetricDay {
  readonly date: string;
  readonly values: MetricValues;
}

/** The names the history's series belong to, as of the latest snapshot: its goals and its score components. */
export interface MetricEntities {
  readonly goals: readonly { readonly id: string; readonly title: string; readonly targetDate?: string }[];
  readonly components: readonly string[];
}
