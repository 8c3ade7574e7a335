import type { BusinessSnapshot } from '../business-api/model';
import { isOverdue } from '../calendar';
import type { MetricName, MetricValues } from './model';
import { seriesKey } from './model';

/** The score components that are .NET scorecard fields of their own, by their lower-cased name. */
const componentMetrics: ReadonlyMap<string, MetricName> = new Map([
  ['goals', 'goals'],
  ['strategies', 'strategies'],
  ['kpis', 'kpis'],
  ['actions', 'actions'],
]);

const isOpen = (status: string | undefined): boolean =>
  status === undefined || status === 'open' || status === 'in_progress';

/**
 * The day's metric values of a snapshot read at `now`: only what the snapshot has (a missing source records nothing,
 * never a zero). Scores and rates are rounded to one decimal; an action is overdue past its due date in the tenant's
 * time zone (one due today is not).
 */
export const snapshotMetrics = (snapshot: BusinessSnapshot, now: Date, timeZone: string): MetricValues => {
  const values: Record<string, number> = {};
  const set = (metric: MetricName, value: number | undefined, entityId?: string): void => {
    if (value !== undefined && Number.isFinite(value))
      values[seriesKey(metric, entityId)] = Math.round(value * 10) / 10;
  };
  const { performance, goalStats, goals, actions, issues } = snapshot;
  set('overallScore', performance?.overallScore);
  for (const component of performance?.components ?? []) {
    set('componentScore', component.score, component.name);
    const field = componentMetrics.get(component.name.trim().toLowerCase());
    if (field) set(field, component.score);
  }
  set('completionRate', goalStats?.completionRate);
  set('atRisk', goalStats?.atRisk);
  set('behindSchedule', goalStats?.behind);
  for (const goal of goals ?? []) set('goalProgress', goal.progress, goal.id);
  if (issues) {
    const open = issues.filter((issue) => isOpen(issue.status));
    set('openIssues', open.length);
    set('criticalIssues', open.filter((issue) => issue.priority === 'critical').length);
  }
  if (actions) {
    set(
      'overdueActions',
      actions.filter((action) => isOpen(action.status) && action.dueDate && isOverdue(action.dueDate, now, timeZone))
        .length,
    );
  }
  return values;
};
