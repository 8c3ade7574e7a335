import { topicCategory } from '../topics';
import type { Action, BusinessSnapshot, Goal } from '../../../shared/business-api/model';
import { daysSince, isPast } from '../../dates';
import type { Evidence } from '../../model';
import type { Category } from '../../model';
import { isoDay, plural, quote } from '../../text';
import { buildSignal, fact, factMetrics } from '../family';
import type { FamilySignals, SignalThresholds, SignalWith, Statement } from '../family';

type GoalStatus = NonNullable<Goal['status']>;

/** A goal as its signals state it: progress rounded, the target date as a calendar day. */
export interface GoalPayload {
  readonly goalId: string;
  /** The goal's title. */
  readonly goal: string;
  readonly status?: GoalStatus;
  readonly progress?: number;
  readonly targetDate?: string;
  readonly owner?: string;
}

/** A goal marked at risk or behind. */
export interface SlippingGoalPayload extends GoalPayload {
  readonly status: 'at_risk' | 'behind';
}

/** An open goal past its target date. */
export interface OverdueGoalPayload extends GoalPayload {
  readonly targetDate: string;
  readonly daysPastTarget: number;
}

/** Goal completion below the threshold. */
export interface LowCompletionPayload {
  /** The rate (%), rounded. */
  readonly completionRate: number;
  readonly completedGoals?: number;
  readonly totalGoals: number;
  /** The low completion threshold (%). */
  readonly threshold: number;
  /** Where the counts come from. */
  readonly source: 'goals' | 'goalStats';
}

/** A signal of the goal family. */
export type GoalSignal =
  | SignalWith<'goal_at_risk', SlippingGoalPayload>
  | SignalWith<'goal_behind', SlippingGoalPayload>
  | SignalWith<'goal_overdue', OverdueGoalPayload>
  | SignalWith<'low_goal_completion', LowCompletionPayload>
  | SignalWith<'goal_without_actions', GoalPayload>;

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

const goalPayload = (goal: Goal): GoalPayload => ({
  goalId: goal.id,
  goal: goal.title,
  ...(goal.status === undefined ? {} : { status: goal.status }),
  ...(goal.progress === undefined ? {} : { progress: Math.round(goal.progress) }),
  ...(goal.targetDate === undefined ? {} : { targetDate: isoDay(goal.targetDate) }),
  ...(goal.owner === undefined ? {} : { owner: goal.owner }),
});

const goalFacts = (goal: GoalPayload): Evidence[] => [
  fact('goals', factMetrics.goal, goal.goal),
  fact('goals', factMetrics.goalId, goal.goalId),
  ...(goal.status === undefined ? [] : [fact('goals', factMetrics.goalStatus, goal.status)]),
  ...(goal.progress === undefined ? [] : [fact('goals', factMetrics.progress, goal.progress)]),
  ...(goal.targetDate === undefined ? [] : [fact('goals', factMetrics.targetDate, goal.targetDate)]),
  ...(goal.owner === undefined ? [] : [fact('goals', factMetrics.owner, goal.owner)]),
];

const atProgress = (goal: GoalPayload): string => (goal.progress === undefined ? '' : ` at ${goal.progress}% progress`);

const overdueStatement = (goal: OverdueGoalPayload): Statement => ({
  summary:
    `Goal ${quote(goal.goal)} passed its target date of ${goal.targetDate} (${plural(goal.daysPastTarget, 'day')} ` +
    `ago) and is ${describeGoalStatus(goal.status)}${atProgress(goal)}.`,
  facts: [...goalFacts(goal), fact('goals', factMetrics.daysPastTarget, goal.daysPastTarget)],
});

const slippingStatement = (goal: SlippingGoalPayload): Statement => ({
  summary:
    `Goal ${quote(goal.goal)} is ${goalStatusText[goal.status]}${atProgress(goal)}` +
    `${goal.targetDate === undefined ? '' : `, with a target date of ${goal.targetDate}`}.`,
  facts: goalFacts(goal),
});

const withoutActionsStatement = (goal: GoalPayload): Statement => ({
  summary: `Goal ${quote(goal.goal)} is ${describeGoalStatus(goal.status)} and has no actions linked to it.`,
  facts: [...goalFacts(goal), fact('actions', factMetrics.linkedActions, 0)],
});

const lowCompletionStatement = (completion: LowCompletionPayload): Statement => {
  const { completionRate, completedGoals, totalGoals, threshold, source } = completion;
  return {
    summary:
      `Only ${completionRate}% of goals are completed` +
      `${completedGoals === undefined ? '' : ` (${completedGoals} of ${totalGoals})`}, below the ${threshold}% threshold.`,
    facts: [
      fact(source, factMetrics.completionRate, completionRate),
      ...(completedGoals === undefined ? [] : [fact(source, factMetrics.completedGoals, completedGoals)]),
      fact(source, factMetrics.totalGoals, totalGoals),
      fact('signals', factMetrics.lowCompletionThreshold, threshold),
    ],
  };
};

/** A goal's category from what it is about (topics.ts), else the family's. */
const goalCategory = (goal: Goal, fallback: Category): Category =>
  topicCategory(`${goal.title} ${goal.description ?? ''} ${goal.category ?? ''}`, fallback);

const overdueGoalSignal = (goal: Goal, targetDate: string, now: Date, timeZone: string): GoalSignal => {
  const payload = {
    ...goalPayload(goal),
    targetDate: isoDay(targetDate),
    daysPastTarget: daysSince(targetDate, now, timeZone),
  };
  return buildSignal(
    {
      key: `goal_overdue:${goal.id}`,
      kind: 'goal_overdue',
      category: goalCategory(goal, 'strategy'),
      priority: 'high',
    },
    payload,
    overdueStatement,
  );
};

const slippingGoalSignal = (goal: Goal, status: 'at_risk' | 'behind'): GoalSignal => {
  const payload = { ...goalPayload(goal), status };
  const kind = status === 'at_risk' ? 'goal_at_risk' : 'goal_behind';
  return buildSignal(
    {
      key: `${kind}:${goal.id}`,
      kind,
      category: goalCategory(goal, 'strategy'),
      priority: status === 'behind' ? 'high' : 'medium',
    },
    payload,
    slippingStatement,
  );
};

/** Per open goal: overdue (which takes precedence, being the later stage of the same problem), else at risk or behind. */
const openGoalSignals = (goals: readonly Goal[], now: Date, timeZone: string): GoalSignal[] =>
  goals.flatMap((goal): GoalSignal[] => {
    if (isCompletedGoal(goal)) return [];
    if (goal.targetDate !== undefined && isPast(goal.targetDate, now, timeZone)) {
      return [overdueGoalSignal(goal, goal.targetDate, now, timeZone)];
    }
    return goal.status === 'at_risk' || goal.status === 'behind' ? [slippingGoalSignal(goal, goal.status)] : [];
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
const lowCompletionSignals = (snapshot: BusinessSnapshot, t: SignalThresholds): GoalSignal[] => {
  const completion = goalCompletion(snapshot);
  if (completion?.total === undefined || completion.total < t.minGoalsForCompletionRate) return [];
  const { completed, total, source } = completion;
  const rate = Math.round(completion.rate);
  if (rate >= t.lowCompletionRate) return [];
  const payload: LowCompletionPayload = {
    completionRate: rate,
    ...(completed === undefined ? {} : { completedGoals: completed }),
    totalGoals: total,
    threshold: t.lowCompletionRate,
    source,
  };
  return [
    buildSignal(
      { key: 'low_goal_completion', kind: 'low_goal_completion', category: 'strategy', priority: 'medium' },
      payload,
      lowCompletionStatement,
    ),
  ];
};

/** Open goals with no (non-cancelled) action linked by goalId; only judged when the actions were read. */
const goalsWithoutActionsSignals = (goals: readonly Goal[], actions: readonly Action[] | undefined): GoalSignal[] => {
  if (actions === undefined) return [];
  const linked = new Set(
    actions.filter((action) => action.status !== 'cancelled').flatMap((action) => action.goalId ?? []),
  );
  return goals
    .filter((goal) => !isCompletedGoal(goal) && !linked.has(goal.id))
    .map((goal): GoalSignal =>
      buildSignal(
        {
          key: `goal_without_actions:${goal.id}`,
          kind: 'goal_without_actions',
          category: goalCategory(goal, 'operations'),
          priority: goal.status === 'at_risk' || goal.status === 'behind' ? 'medium' : 'low',
        },
        goalPayload(goal),
        withoutActionsStatement,
      ),
    );
};

/** The goal family: goals at risk, behind or overdue, low goal completion, and goals without actions. */
export const goalSignals: FamilySignals<GoalSignal> = (snapshot, now, t) => {
  const goals = snapshot.goals ?? [];
  return [
    ...openGoalSignals(goals, now, t.timeZone),
    ...lowCompletionSignals(snapshot, t),
    ...goalsWithoutActionsSignals(goals, snapshot.actions),
  ];
};
