import type { Action, BusinessSnapshot, Goal } from '../../../shared/business-api/model';
import { titleAround } from '../../rules/draft';
import { quote } from '../../text';
import { isFinishedAction, oldestFirst } from '../actions/signals';
import type { FamilyWordings, RuleContext, SignalGroup, Wording } from '../family';
import type { GoalSignal, SlippingGoalPayload } from './signals';
import { isCompletedGoal } from './signals';

/** A goal's open actions, soonest due first. */
const openActionsFor = (ctx: RuleContext, goalId: string): Action[] =>
  oldestFirst(
    (ctx.snapshot.actions ?? []).filter((action) => action.goalId === goalId && !isFinishedAction(action)),
    (action) => action.dueDate,
  );

/**
 * "Finish the goal furthest along next": the open goal with the highest progress that still has open actions (a goal
 * with none is not one to finish next but one to plan; its own insight says so). Any open goal counts when the
 * actions could not be read. No step when there is no such goal.
 */
export const finishFurthestAlong = ({ goals, actions }: BusinessSnapshot): string[] => {
  const hasOpenActions = (goal: Goal): boolean =>
    actions === undefined || actions.some((action) => action.goalId === goal.id && !isFinishedAction(action));
  const next = (goals ?? [])
    .filter((goal) => !isCompletedGoal(goal) && goal.progress !== undefined && hasOpenActions(goal))
    .reduce<Goal | undefined>((best, goal) => ((goal.progress ?? 0) > (best?.progress ?? -1) ? goal : best), undefined);
  return next === undefined ? [] : [`Finish ${quote(next.title)} next; it is the furthest along`];
};

const withOwner = (owner: string | undefined, task: string): string =>
  owner === undefined ? `Name an owner this week to ${task}` : `Meet ${owner} this week to ${task}`;

const nextActionStep = (goalId: string, ctx: RuleContext, goal: string): string => {
  const next = openActionsFor(ctx, goalId)[0];
  return next === undefined
    ? `Add the next concrete action for ${quote(goal)}, with an owner and a due date`
    : `Move ${quote(next.title)} forward first; it is the next open action for ${quote(goal)}`;
};

const goalRecovery = ({ payload }: { readonly payload: SlippingGoalPayload }, ctx: RuleContext): Wording => {
  const { goal, goalId, owner, targetDate } = payload;
  return {
    title: titleAround((name) => `Get ${name} back on track`, goal),
    why: 'A goal that slips now usually misses its target date unless someone changes the plan.',
    actions: [
      withOwner(owner, `agree what it takes to get ${quote(goal)} back on track`),
      nextActionStep(goalId, ctx, goal),
      targetDate === undefined
        ? `Set a target date for ${quote(goal)} so progress can be judged`
        : `Check whether ${targetDate} is still realistic for ${quote(goal)}, and cut scope if it is not`,
    ],
  };
};

/** How the goal family's signals read as rule insights. */
export const goalWordings: FamilyWordings<GoalSignal> = {
  goal_at_risk: goalRecovery,
  goal_behind: goalRecovery,
  goal_overdue: ({ payload: { goal, goalId, owner } }, ctx) => ({
    title: titleAround((name) => `Re-plan the overdue goal ${name}`, goal),
    why: 'An overdue goal left on the board without a new plan teaches the team that dates do not matter.',
    actions: [
      withOwner(owner, `decide whether to finish, re-plan or close ${quote(goal)}`),
      `Set a new, realistic target date for ${quote(goal)}`,
      nextActionStep(goalId, ctx, goal),
    ],
  }),
  low_goal_completion: ({ payload }, ctx) => {
    return {
      title: `Goal completion is low at ${payload.completionRate}%`,
      why: 'Few finished goals often means too many goals at once; finishing fewer beats starting more.',
      actions: [
        ...finishFurthestAlong(ctx.snapshot),
        'Pause the goals nobody is actively working on',
        'Agree a limit on how many goals are open at once',
      ],
    };
  },
  goal_without_actions: ({ payload: { goal } }) => ({
    title: titleAround((name) => `Plan the first actions for ${name}`, goal),
    why: 'A goal without actions depends on good intentions; actions make progress visible and owned.',
    actions: [
      `Add the next concrete action for ${quote(goal)}, with an owner and a due date`,
      `Link any existing actions that serve ${quote(goal)} to it`,
    ],
  }),
};

/** The goal family's groups: goals needing a recovery plan, and goals with no actions. */
export const goalGroups: readonly SignalGroup[] = [
  {
    kinds: ['goal_overdue', 'goal_behind', 'goal_at_risk'],
    individual: 3,
    title: 'More goals need a recovery plan',
    actions: (names) => [
      `Review ${names} with their owners this week`,
      'Re-plan or close each of these goals rather than letting them drift',
    ],
  },
  {
    kinds: ['goal_without_actions'],
    individual: 1,
    title: 'Goals with no actions planned',
    actions: (names) => [
      `Add the next concrete action, with an owner and a due date, for ${names}`,
      'Link existing actions to the goals they serve',
    ],
  },
];
