import type { Action, BusinessSnapshot, Goal } from '../../../shared/business-api/model';
import { daysSince, isPast } from '../../dates';
import type { Evidence, Signal } from '../../model';
import { isoDay, plural, quote } from '../../text';
import { fact, factMetrics } from '../family';
import type { FamilySignals, SignalThresholds } from '../family';

type GoalStatus = NonNullable<Goal['status']>;

const goalStatusText: Record<GoalStatus, string> = {
  not_started: 'not started',
  on_track: 'marked on track',
  at_risk: 'at risk',
  behind: 'behind',
  completed: 'completed',
};

/** How a goal's status reads in a sentence. */
const describeGoalStatus = (status: GoalStatus | undefined): string =>
  status === undefined ? 'not marked completed' : goalStatusText[status];

/** A goal counts as completed only when its status says so. */
export const isCompletedGoal = (goal: Goal): boolean => goal.status === 'completed';

const goalFacts = (goal: Goal): Evidence[] => [
  fact('goals', factMetrics.goal, goal.title),
  fact('goals', factMetrics.goalId, goal.id),
  ...(goal.status === undefined ? [] : [fact('goals', factMetrics.goalStatus, goal.status)]),
  ...(goal.progress === undefined ? [] : [fact('goals', factMetrics.progress, Math.round(goal.progress))]),
  ...(goal.targetDate === undefined ? [] : [fact('goals', factMetrics.targetDate, isoDay(goal.targetDate))]),
  ...(goal.owner === undefined ? [] : [fact('goals', factMetrics.owner, goal.owner)]),
];

const atProgress = (goal: Goal): string =>
  goal.progress === undefined ? '' : ` at ${Math.round(goal.progress)}% progress`;

const overdueGoalSignal = (goal: Goal, targetDate: string, now: Date): Signal => {
  const days = daysSince(targetDate, now);
  return {
    key: `goal_overdue:${goal.id}`,
    kind: 'goal_overdue',
    category: 'strategy',
    priority: 'high',
    summary:
      `Goal ${quote(goal.title)} passed its target date of ${isoDay(targetDate)} (${plural(days, 'day')} ago) ` +
      `and is ${describeGoalStatus(goal.status)}${atProgress(goal)}.`,
    facts: [...goalFacts(goal), fact('goals', factMetrics.daysPastTarget, days)],
  };
};

const goalAtRiskSignal = (goal: Goal, status: 'at_risk' | 'behind'): Signal => ({
  key: `${status === 'at_risk' ? 'goal_at_risk' : 'goal_behind'}:${goal.id}`,
  kind: status === 'at_risk' ? 'goal_at_risk' : 'goal_behind',
  category: 'strategy',
  priority: status === 'behind' ? 'high' : 'medium',
  summary:
    `Goal ${quote(goal.title)} is ${goalStatusText[status]}${atProgress(goal)}` +
    `${goal.targetDate === undefined ? '' : `, with a target date of ${isoDay(goal.targetDate)}`}.`,
  facts: goalFacts(goal),
});

/** Per open goal: overdue (which takes precedence, being the later stage of the same problem), else at risk or behind. */
const openGoalSignals = (goals: readonly Goal[], now: Date): Signal[] =>
  goals.flatMap((goal): Signal[] => {
    if (isCompletedGoal(goal)) return [];
    if (goal.targetDate !== undefined && isPast(goal.targetDate, now)) {
      return [overdueGoalSignal(goal, goal.targetDate, now)];
    }
    return goal.status === 'at_risk' || goal.status === 'behind' ? [goalAtRiskSignal(goal, goal.status)] : [];
  });

/** How many goals are completed, and from which source. */
export interface Completion {
  readonly rate: number;
  readonly completed?: number;
  readonly total?: number;
  readonly source: 'goals' | 'goalStats';
}

/** Goal completion from goalStats (its completionRate, else completed / totalGoals), else counted from the goals. */
export const goalCompletion = (snapshot: BusinessSnapshot): Completion | undefined => {
  const stats = snapshot.goalStats;
  if (stats?.completionRate !== undefined) {
    return { rate: stats.completionRate, completed: stats.completed, total: stats.totalGoals, source: 'goalStats' };
  }
  if (stats?.totalGoals && stats.completed !== undefined) {
    const { completed, totalGoals: total } = stats;
    return { rate: (100 * completed) / total, completed, total, source: 'goalStats' };
  }
  const goals = snapshot.goals ?? [];
  if (goals.length === 0) return undefined;
  const completed = goals.filter(isCompletedGoal).length;
  return { rate: (100 * completed) / goals.length, completed, total: goals.length, source: 'goals' };
};

/** Low goal completion, judged only when the number of goals is known and at least `minGoalsForCompletionRate`. */
const lowCompletionSignals = (snapshot: BusinessSnapshot, t: SignalThresholds): Signal[] => {
  const completion = goalCompletion(snapshot);
  if (completion?.total === undefined || completion.total < t.minGoalsForCompletionRate) return [];
  const { completed, total, source } = completion;
  const rate = Math.round(completion.rate);
  if (rate >= t.lowCompletionRate) return [];
  return [
    {
      key: 'low_goal_completion',
      kind: 'low_goal_completion',
      category: 'strategy',
      priority: 'medium',
      summary:
        `Only ${rate}% of goals are completed${completed === undefined ? '' : ` (${completed} of ${total})`}, ` +
        `below the ${t.lowCompletionRate}% threshold.`,
      facts: [
        fact(source, factMetrics.completionRate, rate),
        ...(completed === undefined ? [] : [fact(source, factMetrics.completedGoals, completed)]),
        fact(source, factMetrics.totalGoals, total),
        fact('signals', factMetrics.lowCompletionThreshold, t.lowCompletionRate),
      ],
    },
  ];
};

/** Open goals with no (non-cancelled) action linked by goalId; only judged when the actions were read. */
const goalsWithoutActionsSignals = (goals: readonly Goal[], actions: readonly Action[] | undefined): Signal[] => {
  if (actions === undefined) return [];
  const linked = new Set(
    actions.filter((action) => action.status !== 'cancelled').flatMap((action) => action.goalId ?? []),
  );
  return goals
    .filter((goal) => !isCompletedGoal(goal) && !linked.has(goal.id))
    .map((goal) => ({
      key: `goal_without_actions:${goal.id}`,
      kind: 'goal_without_actions' as const,
      category: 'operations' as const,
      priority: goal.status === 'at_risk' || goal.status === 'behind' ? ('medium' as const) : ('low' as const),
      summary: `Goal ${quote(goal.title)} is ${describeGoalStatus(goal.status)} and has no actions linked to it.`,
      facts: [...goalFacts(goal), fact('actions', factMetrics.linkedActions, 0)],
    }));
};

/** The goal family: goals at risk, behind or overdue, low goal completion, and goals without actions. */
export const goalSignals: FamilySignals = (snapshot, now, t) => {
  const goals = snapshot.goals ?? [];
  return [
    ...openGoalSignals(goals, now),
    ...lowCompletionSignals(snapshot, t),
    ...goalsWithoutActionsSignals(goals, snapshot.actions),
  ];
};
