import type { MetricEntities } from '../../shared/metrics/model';

/**
 * Helpers the history-reading analysis types share: a series key's readable name and unit, and rounding as the
 * facts state numbers (so a number a model quotes can be compared with the fact it rests on).
 */

const plainNames: Readonly<Record<string, string>> = {
  overallScore: 'overall score',
  completionRate: 'goal completion rate',
  atRisk: 'goals at risk',
  behindSchedule: 'goals behind schedule',
  openIssues: 'open issues',
  criticalIssues: 'open critical issues',
  overdueActions: 'overdue actions',
  issuesOpened: 'issues opened in the period',
  goals: 'goals score',
  strategies: 'strategies score',
  kpis: 'KPIs score',
  actions: 'actions score',
};

/** A series key's readable name: `componentScore#Revenue vs plan` -> "Revenue vs plan score", a goal by its title. */
export const seriesLabel = (key: string, entities: MetricEntities): string => {
  const [metric, entityId] = key.split('#', 2) as [string, string | undefined];
  if (entityId === undefined) return plainNames[metric] ?? metric;
  if (metric === 'componentScore') return `${entityId} score`;
  if (metric === 'goalProgress') {
    const goal = entities.goals.find((candidate) => candidate.id === entityId);
    return `progress of '${goal?.title ?? entityId}'`;
  }
  return `${metric} of ${entityId}`;
};

/** The unit a series is measured in: points for scores, % for progress and rates, a count otherwise. */
export const seriesUnit = (key: string): string => {
  const metric = key.split('#', 1)[0] ?? key;
  if (metric === 'goalProgress' || metric === 'completionRate') return '%';
  if (metric === 'overallScore' || metric === 'componentScore' || plainNames[metric]?.endsWith('score')) {
    return 'points';
  }
  if (metric === 'kpiValue') return 'units';
  return 'count';
};

/** Rounds to `digits` decimals (one by default), as the facts state their numbers. */
export const roundTo = (value: number, digits = 1): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** Whether `quoted` is `actual` rounded to the precision it was written with (or to a whole number). */
export const matchesWithinRounding = (quoted: number, actual: number, quotedText?: string): boolean => {
  const decimals = quotedText?.split('.')[1]?.length ?? 0;
  return Math.abs(quoted - actual) <= 0.5 * 10 ** -decimals + 1e-9;
};

/** A text cut to the result schema's limit (an ellipsis marks the cut). */
export const clip = (text: string, max = 400): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
