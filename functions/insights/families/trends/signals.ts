import type { MetricName } from '../../../shared/metrics/model';
import type { Contribution, TrendReport } from '../../../shared/metrics/trends';
import type { Category, Evidence } from '../../model';
import { joinList, plural, quote } from '../../text';
import { buildSignal, fact } from '../family';
import type { FamilySignals, SignalWith, Statement } from '../family';

/**
 * The trends family: what the tenant's metric history says about change over time (the report of
 * shared/metrics/trends.ts, computed from the history the generation read). Every number is one of the report's.
 */

/** The overall score moved at least this many points over the report's window. */
const SCORE_CHANGE_MIN = 5;
/** A fall of at least this many points is high priority. */
const SCORE_FALL_HIGH = 10;
/** How many drivers or detractors a score change names. */
const NAMED_COMPONENTS = 2;

/** The overall score's change over a window, with the components that moved most. */
export interface ScoreChangePayload {
  readonly days: number;
  readonly from: number;
  readonly to: number;
  readonly change: number;
  readonly drivers: readonly Contribution[];
  readonly detractors: readonly Contribution[];
}

/** A headline metric whose latest day-over-day change is outside its normal variation. */
export interface UnusualChangePayload {
  readonly metric: MetricName;
  readonly date: string;
  readonly from: number;
  readonly to: number;
  readonly change: number;
  readonly typicalChange: number;
}

/** A goal whose progress has not moved for `days`. */
export interface GoalStalledPayload {
  readonly goalId: string;
  readonly goal: string;
  readonly progress: number;
  readonly days: number;
}

/** A goal that, at its fitted rate, will not reach 100% by its target date. */
export interface GoalOffPacePayload {
  readonly goalId: string;
  readonly goal: string;
  readonly progress: number;
  readonly perWeek: number;
  readonly projected: number;
  readonly targetDate: string;
}

/** A headline metric whose direction changed. */
export interface NewTrendPayload {
  readonly metric: MetricName;
  readonly direction: 'up' | 'down';
  readonly perWeek: number;
  readonly previousPerWeek: number;
}

/** The trends family's signals. */
export type TrendSignal =
  | SignalWith<'score_change', ScoreChangePayload>
  | SignalWith<'unusual_change', UnusualChangePayload>
  | SignalWith<'goal_stalled', GoalStalledPayload>
  | SignalWith<'goal_off_pace', GoalOffPacePayload>
  | SignalWith<'new_trend', NewTrendPayload>;

/** How a headline metric reads in a sentence. */
export const metricLabels: Readonly<Record<MetricName, string>> = {
  overallScore: 'Overall score',
  goals: 'Goals score',
  strategies: 'Strategies score',
  kpis: 'KPIs score',
  actions: 'Actions score',
  completionRate: 'Goal completion rate',
  atRisk: 'Goals at risk',
  behindSchedule: 'Goals behind schedule',
  openIssues: 'Open issues',
  criticalIssues: 'Critical issues',
  overdueActions: 'Overdue actions',
  goalProgress: 'Goal progress',
  kpiValue: 'KPI value',
  componentScore: 'Component score',
};

/** Metrics where a rise is bad news. */
export const lowerIsBetter: ReadonlySet<MetricName> = new Set([
  'atRisk',
  'behindSchedule',
  'openIssues',
  'criticalIssues',
  'overdueActions',
]);

const metricCategory = (metric: MetricName): Category =>
  metric === 'openIssues' || metric === 'criticalIssues' || metric === 'overdueActions' ? 'operations' : 'strategy';

const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));
const points = (value: number): string => plural(Math.abs(value), 'point');

const componentText = (contributions: readonly Contribution[]): string =>
  joinList(contributions.slice(0, NAMED_COMPONENTS).map((c) => `${c.component} (${signed(c.change)})`));

const componentFacts = (contributions: readonly Contribution[], metric: string): Evidence[] =>
  contributions
    .slice(0, NAMED_COMPONENTS)
    .flatMap((c) => [
      fact('history', metric, c.component),
      fact('history', `${c.component} change (points)`, c.change),
    ]);

const scoreChangeStatement = (p: ScoreChangePayload): Statement => {
  const fell = p.change < 0;
  const main = fell ? p.detractors : p.drivers;
  const against = fell ? p.drivers : p.detractors;
  return {
    summary:
      `Overall score ${fell ? 'fell' : 'rose'} ${points(p.change)} in ${p.days} days (${p.from} -> ${p.to})` +
      `${main.length > 0 ? `, mostly from ${componentText(main)}` : ''}` +
      `${against.length > 0 ? `; ${componentText(against)} moved the other way` : ''}.`,
    facts: [
      fact('history', 'overall score change (points)', p.change),
      fact('history', 'days compared', p.days),
      fact('history', 'overall score then', p.from),
      fact('history', 'overall score now', p.to),
      ...componentFacts(main, fell ? 'top detractor' : 'top driver'),
      ...componentFacts(against, fell ? 'top driver' : 'top detractor'),
    ].slice(0, 8),
  };
};

const unusualStatement = (p: UnusualChangePayload): Statement => ({
  summary:
    `${metricLabels[p.metric]} went from ${p.from} to ${p.to} on ${p.date}, a change of ${signed(p.change)}; ` +
    `it usually moves by about ${p.typicalChange} a day.`,
  facts: [
    fact('history', metricLabels[p.metric], p.to),
    fact('history', `${metricLabels[p.metric]} the day before`, p.from),
    fact('history', 'change', p.change),
    fact('history', 'typical daily change', p.typicalChange),
    fact('history', 'date', p.date),
  ],
});

const stalledStatement = (p: GoalStalledPayload): Statement => ({
  summary: `Goal ${quote(p.goal)} has stayed at ${p.progress}% for ${p.days} days.`,
  facts: [
    fact('goals', 'goal', p.goal),
    fact('goals', 'goal id', p.goalId),
    fact('history', 'progress (%)', p.progress),
    fact('history', 'days without progress', p.days),
  ],
});

const offPaceStatement = (p: GoalOffPacePayload): Statement => ({
  summary:
    `At ${plural(p.perWeek, 'point')} a week, ${quote(p.goal)} reaches ${p.projected}% by ${p.targetDate}, ` +
    `not 100% (it is at ${p.progress}% now).`,
  facts: [
    fact('goals', 'goal', p.goal),
    fact('goals', 'goal id', p.goalId),
    fact('history', 'progress (%)', p.progress),
    fact('history', 'progress per week (points)', p.perWeek),
    fact('history', 'projected progress at target date (%)', p.projected),
    fact('goals', 'target date', p.targetDate),
  ],
});

const newTrendStatement = (p: NewTrendPayload): Statement => ({
  summary:
    `${metricLabels[p.metric]} turned ${p.direction}: ${signed(p.perWeek)} a week over the last 14 days, after ` +
    `${signed(p.previousPerWeek)} a week the two weeks before.`,
  facts: [
    fact('history', `${metricLabels[p.metric]} per week now`, p.perWeek),
    fact('history', `${metricLabels[p.metric]} per week before`, p.previousPerWeek),
    fact('history', 'window (days)', 14),
  ],
});

const isBad = (metric: MetricName, change: number): boolean => (lowerIsBetter.has(metric) ? change > 0 : change < 0);

/** The trend signals of the generation's history report (none without one). */
export const trendSignals: FamilySignals<TrendSignal> = (_snapshot, _now, _t, report?: TrendReport) => {
  if (!report) return [];
  const signals: TrendSignal[] = [];
  const overall = report.overall;
  if (overall && Math.abs(Math.round(overall.change.change)) >= SCORE_CHANGE_MIN) {
    // Scores are stated in whole points, as the scorecard shows them.
    const [from, to] = [Math.round(overall.change.from), Math.round(overall.change.to)];
    const { days } = overall.change;
    const change = to - from;
    const whole = (c: Contribution): Contribution => ({
      component: c.component,
      change: Math.round(c.to) - Math.round(c.from),
      from: Math.round(c.from),
      to: Math.round(c.to),
    });
    signals.push(
      buildSignal(
        {
          key: 'score_change',
          kind: 'score_change',
          category: 'strategy',
          priority: change <= -SCORE_FALL_HIGH ? 'high' : change < 0 ? 'medium' : 'low',
        },
        {
          days,
          from,
          to,
          change,
          drivers: overall.drivers.map(whole).filter((c) => c.change > 0),
          detractors: overall.detractors.map(whole).filter((c) => c.change < 0),
        },
        scoreChangeStatement,
      ),
    );
  }
  for (const unusual of report.unusual) {
    const { metric, date, from, to, change, typicalChange } = unusual;
    signals.push(
      buildSignal(
        {
          key: `unusual_change:${metric}`,
          kind: 'unusual_change',
          category: metricCategory(metric),
          priority: isBad(metric, change) ? 'high' : 'low',
        },
        { metric, date, from, to, change, typicalChange },
        unusualStatement,
      ),
    );
  }
  for (const trend of report.newTrends) {
    const { metric, direction, perWeek, previousPerWeek } = trend;
    signals.push(
      buildSignal(
        {
          key: `new_trend:${metric}`,
          kind: 'new_trend',
          category: metricCategory(metric),
          priority: isBad(metric, perWeek) ? 'medium' : 'low',
        },
        { metric, direction, perWeek, previousPerWeek },
        newTrendStatement,
      ),
    );
  }
  for (const goal of report.stalledGoals) {
    signals.push(
      buildSignal(
        { key: `goal_stalled:${goal.id}`, kind: 'goal_stalled', category: 'strategy', priority: 'medium' },
        { goalId: goal.id, goal: goal.title, progress: goal.progress, days: goal.days },
        stalledStatement,
      ),
    );
  }
  // A stalled goal is said to be stalled; its pace (no movement) would only repeat it.
  const stalled = new Set(report.stalledGoals.map((goal) => goal.id));
  for (const goal of report.goalPace.filter((pace) => !pace.onPace && !stalled.has(pace.id))) {
    signals.push(
      buildSignal(
        {
          key: `goal_off_pace:${goal.id}`,
          kind: 'goal_off_pace',
          category: 'strategy',
          priority: goal.projected < 75 ? 'high' : 'medium',
        },
        {
          goalId: goal.id,
          goal: goal.title,
          progress: goal.progress,
          perWeek: goal.perWeek,
          projected: goal.projected,
          targetDate: goal.targetDate,
        },
        offPaceStatement,
      ),
    );
  }
  return signals;
};
