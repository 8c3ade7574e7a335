import { DEFAULT_TIME_ZONE } from '../../shared/calendar';
import { isPast } from '../dates';
import { isFinishedAction, oldestFirst } from '../families/actions/signals';
import { fact, factMetrics } from '../families/family';
import type { RuleContext } from '../families/family';
import { goalCompletion } from '../families/goals/signals';
import { finishFurthestAlong } from '../families/goals/wording';
import { componentFacts, scoreText, strongestComponent, weakestComponent } from '../families/performance/signals';
import type { InsightDraft, SignalKind } from '../model';
import { countIs, isoDay, nameList, plural, quote } from '../text';
import { toDraft, weakestStep } from './draft';

/** Top-ups: general insights about the data that exists, for sets with fewer than five insights. */

/** A top-up insight, for sets with fewer than five, and the signal kinds that already say the same thing. */
export interface TopUp {
  readonly draft: InsightDraft;
  readonly coveredBy: readonly SignalKind[];
}

const trendText = { up: 'trending up', down: 'trending down', flat: 'holding steady' } as const;

const overallScoreTopUp = (ctx: RuleContext): TopUp | undefined => {
  const performance = ctx.snapshot.performance;
  if (performance === undefined) return undefined;
  const strongest = strongestComponent(performance);
  const weakest = weakestComponent(performance);
  const distinctWeakest = weakest === strongest ? undefined : weakest;
  const componentText =
    strongest === undefined
      ? ''
      : ` The strongest component is ${scoreText(strongest)}` +
        `${distinctWeakest === undefined ? '' : ` and the weakest is ${scoreText(distinctWeakest)}`}.`;
  const componentEvidence = [
    ...componentFacts(strongest, factMetrics.strongestComponent, factMetrics.strongestScore),
    ...componentFacts(distinctWeakest, factMetrics.weakestComponent, factMetrics.weakestScore),
  ];
  const score = performance.overallScore === undefined ? undefined : Math.round(performance.overallScore);
  if (score === undefined && strongest === undefined) {
    return {
      coveredBy: [],
      draft: toDraft({
        title: 'Define the KPIs you will track',
        description:
          'Your scorecard has no KPIs yet, so there is no way to tell from week to week whether the business is ' +
          'improving.',
        category: 'strategy',
        priority: 'low',
        actionable: true,
        actions: [
          'Pick a handful of numbers that show whether a week went well, each with an owner and a target',
          'Record them every week, so the scorecard shows the trend',
        ],
        evidence: [fact('performance', 'score components', 0)],
        signalKey: 'general:kpis',
      }),
    };
  }
  const common = { category: 'strategy' as const, priority: 'low' as const, signalKey: 'general:overall_score' };
  const draft =
    score === undefined
      ? toDraft({
          ...common,
          title: 'Record an overall performance score',
          description: `Your scorecard has no overall score, so progress over time is hard to read.${componentText}`,
          actionable: true,
          actions: ['Agree how the overall score is calculated and record it every period'],
          evidence: [fact('performance', 'overall score', 'not recorded'), ...componentEvidence],
        })
      : toDraft({
          ...common,
          title: `Overall score: ${score}`,
          description:
            `Your overall performance score is ${score}` +
            `${performance.trend === undefined ? '' : `, ${trendText[performance.trend]}`}.${componentText}` +
            ' Knowing what drives the score shows what to protect and what to fix first.',
          actionable: false,
          actions: [
            ...(strongest === undefined ? [] : [`Write down what keeps ${quote(strongest.name)} strong`]),
            ...weakestStep(distinctWeakest?.name, (name) => `Choose a change this month that lifts ${name}`),
            'Review the scorecard with your team every week',
          ],
          evidence: [fact('performance', 'overall score', score), ...componentEvidence],
        });
  return { draft, coveredBy: ['low_overall_score', 'strong_performance', 'score_trending_down'] };
};

const goalCompletionTopUp = (ctx: RuleContext): TopUp | undefined => {
  const { goals, goalStats: stats } = ctx.snapshot;
  const completion = goalCompletion(ctx.snapshot);
  const common = { category: 'strategy' as const, priority: 'low' as const, signalKey: 'general:goal_completion' };
  const coveredBy: readonly SignalKind[] = ['low_goal_completion'];
  if ((completion?.total ?? goals?.length) === 0) {
    return {
      coveredBy,
      draft: toDraft({
        ...common,
        title: 'Set your first goals',
        description: 'No goals are recorded yet, so there is nothing to steer the weekly work by.',
        actionable: true,
        actions: ['Write the goals for this year, each with an owner and a target date'],
        evidence: [fact(completion?.source ?? 'goals', factMetrics.totalGoals, 0)],
      }),
    };
  }
  if (completion?.total === undefined || completion.completed === undefined) return undefined;
  const { completed, total, source } = completion;
  // Only rates the data states are repeated; a rate computed here would be a number the data does not hold.
  const rate = stats?.completionRate === undefined ? undefined : Math.round(stats.completionRate);
  const average = stats?.averageProgress === undefined ? undefined : Math.round(stats.averageProgress);
  return {
    coveredBy,
    draft: toDraft({
      ...common,
      title: `${completed} of ${total} goals completed`,
      description:
        `${completed} of ${plural(total, 'goal')} ${completed === 1 ? 'is' : 'are'} completed` +
        `${rate === undefined ? '' : ` (${rate}%)`}` +
        `${average === undefined ? '' : `, with average progress at ${average}%`}.` +
        ' Finishing goals before adding new ones keeps the team focused.',
      actionable: false,
      actions: [...finishFurthestAlong(ctx.snapshot), "Review every open goal's progress in your weekly meeting"],
      evidence: [
        fact(source, factMetrics.totalGoals, total),
        fact(source, factMetrics.completedGoals, completed),
        ...(rate === undefined ? [] : [fact('goalStats', factMetrics.completionRate, rate)]),
      ],
    }),
  };
};

const coreValuesTopUp = (ctx: RuleContext): TopUp | undefined => {
  const foundation = ctx.snapshot.foundation;
  if (foundation === undefined) return undefined;
  const names = (foundation.coreValues ?? []).map((value) => value.name);
  const common = { category: 'leadership' as const, priority: 'low' as const, signalKey: 'general:core_values' };
  const [first, second] = names;
  const draft =
    first === undefined
      ? toDraft({
          ...common,
          title: 'Write down your core values',
          description:
            'No core values are recorded in your foundation. Written values make hiring, feedback and trade-offs easier.',
          actionable: true,
          actions: ['Agree with your leadership team on the values you already live by, and record them'],
          evidence: [fact('foundation', 'core values', 0)],
        })
      : toDraft({
          ...common,
          title: 'Link your core values to goals',
          description:
            `You have ${plural(names.length, 'core value')}: ${nameList(names, names.length)}. ` +
            'Values guide decisions best when each one shows up in a goal or a weekly habit.',
          actionable: false,
          actions: [
            `Name the goal that best lives out ${quote(first)} and say so in its description`,
            `Recognise a team member who acted on ${quote(second ?? first)} this week`,
          ],
          evidence: names.map((name) => fact('foundation', 'core value', name)),
        });
  return { draft, coveredBy: [] };
};

const visionTopUp = (ctx: RuleContext): TopUp | undefined => {
  const foundation = ctx.snapshot.foundation;
  if (foundation === undefined) return undefined;
  const common = { category: 'leadership' as const, priority: 'low' as const, signalKey: 'general:vision' };
  const draft =
    foundation.vision === undefined
      ? toDraft({
          ...common,
          title: 'Write down your vision',
          description:
            'Your foundation has no vision yet. A clear picture of where the business is going makes it easier to ' +
            'choose goals and to say no.',
          actionable: true,
          actions: ['Write where the business should be in a few years, in a sentence or two, and share it'],
          evidence: [fact('foundation', 'vision', 'not recorded')],
        })
      : toDraft({
          ...common,
          title: 'Keep your vision in front of the team',
          description:
            `Your vision reads: ${quote(foundation.vision)}. Teams move toward a vision they hear often; tie it to ` +
            'the goals you review each week.',
          actionable: false,
          actions: [
            'Open each weekly meeting by linking a goal to the vision',
            'Ask each goal owner how their goal moves the vision forward',
          ],
          evidence: [fact('foundation', 'vision', foundation.vision)],
        });
  return { draft, coveredBy: ['vision_without_goals', 'purpose_without_goals'] };
};

const purposeTopUp = (ctx: RuleContext): TopUp | undefined => {
  const foundation = ctx.snapshot.foundation;
  if (foundation === undefined || foundation.purpose !== undefined) return undefined;
  return {
    coveredBy: [],
    draft: toDraft({
      title: 'Write down your purpose',
      description:
        'Your foundation has no purpose yet: why the business exists, beyond making money. A clear purpose helps ' +
        'the team decide well when no rule covers the case.',
      category: 'leadership',
      priority: 'low',
      actionable: true,
      actions: ['Write in one sentence why the business exists and whom it serves, and share it with the team'],
      evidence: [fact('foundation', 'purpose', 'not recorded')],
      signalKey: 'general:purpose',
    }),
  };
};

const actionsTopUp = (ctx: RuleContext): TopUp | undefined => {
  const actions = ctx.snapshot.actions;
  if (actions === undefined) return undefined;
  const common = { category: 'operations' as const, priority: 'low' as const, signalKey: 'general:actions' };
  if (actions.length === 0) {
    return {
      coveredBy: [],
      draft: toDraft({
        ...common,
        title: 'Start tracking actions',
        description:
          'No actions are recorded, so there is no visible link between the goals and the weekly work. Actions ' +
          'with an owner and a due date turn plans into progress.',
        actionable: true,
        actions: ['Write the next action for each active goal, with an owner and a due date'],
        evidence: [fact('actions', 'actions recorded', 0)],
      }),
    };
  }
  const done = actions.filter((action) => action.status === 'done').length;
  const next = oldestFirst(
    actions.filter(
      (action) =>
        !isFinishedAction(action) &&
        action.dueDate !== undefined &&
        !isPast(action.dueDate, ctx.now, ctx.timeZone ?? DEFAULT_TIME_ZONE),
    ),
    (action) => action.dueDate,
  )[0];
  return {
    coveredBy: [],
    draft: toDraft({
      ...common,
      title: `${done} of ${plural(actions.length, 'action')} done`,
      description:
        `${done} of ${plural(actions.length, 'action')} ${done === 1 ? 'is' : 'are'} done.` +
        `${next?.dueDate === undefined ? '' : ` The next one due is ${quote(next.title)}, on ${isoDay(next.dueDate)}.`}` +
        ' A short, current action list keeps the weekly meeting about progress rather than status.',
      actionable: false,
      actions: [
        ...(next === undefined ? [] : [`Check that ${quote(next.title)} is on track for its due date`]),
        'Close or re-date any action that no longer matters',
      ],
      evidence: [
        fact('actions', 'actions recorded', actions.length),
        fact('actions', 'actions done', done),
        ...(next === undefined ? [] : [fact('actions', 'next action due', next.title)]),
      ],
    }),
  };
};

const issuesTopUp = (ctx: RuleContext): TopUp | undefined => {
  const issues = ctx.snapshot.issues;
  if (issues === undefined) return undefined;
  const common = { category: 'operations' as const, priority: 'low' as const, signalKey: 'general:issues' };
  const draft =
    issues.length === 0
      ? toDraft({
          ...common,
          title: 'Log issues as they come up',
          description:
            'No issues are logged. Writing problems down early is how small issues get solved before they hit a goal.',
          actionable: true,
          actions: ['Ask the team to log every recurring problem in the issues list this week'],
          evidence: [fact('issues', 'issues logged', 0)],
        })
      : toDraft({
          ...common,
          title: 'Work your issue list',
          description:
            `${countIs(issues.length, 'issue')} logged. Solving the most important one each week keeps issues from ` +
            'slowing your goals.',
          actionable: false,
          actions: [
            'Pick the most important open issue and solve it this week',
            'Close issues that are already solved so the list stays honest',
          ],
          evidence: [fact('issues', 'issues logged', issues.length)],
        });
  return { draft, coveredBy: [] };
};

/**
 * General insights about the data that exists, one per part of the snapshot that was read, in the order a business
 * sets itself up: foundation (vision, purpose, core values), goals, KPIs, then the weekly actions and issues. For a
 * business with nothing recorded yet they are its onboarding steps.
 */
export const generalTopUps = (ctx: RuleContext): TopUp[] =>
  [
    visionTopUp,
    purposeTopUp,
    coreValuesTopUp,
    goalCompletionTopUp,
    overallScoreTopUp,
    actionsTopUp,
    issuesTopUp,
  ].flatMap((topUp) => topUp(ctx) ?? []);
