import * as z from '../zod';

/**
 * The metric names of a tenant's daily history: the .NET fields (the overall score, each score component by its
 * name, the goal statistics, the open/critical issue and overdue action counts) and two per-entity metrics,
 * `goalProgress` and `kpiValue`, which carry the entity's id.
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
] as const;
/** One metric of the daily history. */
export type MetricName = (typeof metricNames)[number];

/** The metrics that are about one entity (a goal, a KPI) and so need an `entityId`. */
export const entityMetricNames = ['goalProgress', 'kpiValue'] as const satisfies readonly MetricName[];

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
