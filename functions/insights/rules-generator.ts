import type { Action, BusinessSnapshot, DataGap, Goal, SourceName } from '../shared/business-api/model';
import { DATA_GAP_KEY, fingerprintOf } from './generation';
import { MAX_INSIGHTS, MIN_INSIGHTS } from './model';
import type { Category, Evidence, InsightDraft, Priority, SignalKind } from './model';
import { isPast } from './dates';
import { isFinishedAction, oldestFirst } from './families/actions/signals';
import { fact, factMetrics } from './families/family';
import { goalCompletion, isCompletedGoal } from './families/goals/signals';
import { componentFacts, scoreText, strongestComponent, weakestComponent } from './families/performance/signals';
import { priorityRank } from './signals';
import type { ComputedSignal, SignalOf } from './signals';
import { countIs, isoDay, joinList, nameList, plural, quote, truncate } from './text';

/**
 * The deterministic insight writer: turns signals into 5-10 grounded insights when the model is unavailable (and
 * locally by default). Every number it writes is a signal fact or a value (or count of records) in the snapshot.
 *
 * Selection: one insight per signal, except that a family of per-record signals (goals needing attention, open
 * high-impact issues, components below target, goals without actions) shows its top members individually and
 * summarises the rest in one insight; then the highest priorities win. With fewer than five, the set is topped up
 * with one insight per missing source and general insights about the data that exists.
 */

const TITLE_MAX = 60;
const DESCRIPTION_MAX = 1200;
const SUGGESTION_MAX = 300;
const SUGGESTIONS_MAX = 5;
const EVIDENCE_MAX = 8;
const LISTED_NAMES = 3;

/** Options of `generateRuleInsights`. */
export interface RuleInsightOptions {
  /** Suppressed signal keys or fingerprints (see `fingerprintOf`); matching insights are left out. */
  readonly exclude?: ReadonlySet<string>;
}

interface Context {
  readonly snapshot: BusinessSnapshot;
  readonly now: Date;
}

/** What a kind of signal adds to its summary: a title, why it matters, and what to do. */
interface Wording {
  readonly title: string;
  readonly why: string;
  readonly actions: readonly string[];
}

interface DraftParts {
  readonly title: string;
  readonly description: string;
  readonly category: Category;
  readonly priority: Priority;
  readonly actionable: boolean;
  readonly actions: readonly string[];
  readonly evidence: readonly Evidence[];
  readonly signalKey?: string;
}

/** A draft within the schema's limits: text shortened, lists capped. */
const toDraft = (parts: DraftParts): InsightDraft => ({
  title: truncate(parts.title, TITLE_MAX),
  description: truncate(parts.description, DESCRIPTION_MAX),
  category: parts.category,
  priority: parts.priority,
  actionable: parts.actionable,
  suggestedActions: parts.actions.slice(0, SUGGESTIONS_MAX).map((action) => truncate(action, SUGGESTION_MAX)),
  evidence: parts.evidence.slice(0, EVIDENCE_MAX),
  ...(parts.signalKey === undefined ? {} : { signalKey: parts.signalKey }),
});

/** A title around a quoted name, shortening the name so the whole title fits. */
const titleAround = (build: (quoted: string) => string, name: string): string =>
  build(`'${truncate(name, Math.max(TITLE_MAX - build("''").length, 12))}'`);

/** Sentences joined in order while they fit in `max` characters. */
const joinSentences = (sentences: readonly string[], max: number): string =>
  sentences.reduce((text, sentence) => {
    const next = text === '' ? sentence : `${text} ${sentence}`;
    return next.length <= max || text === '' ? next : text;
  }, '');

// ---------------------------------------------------------------------------------------------------------------
// Lookups in the snapshot.

/** A goal's open actions, soonest due first. */
const openActionsFor = (ctx: Context, goalId: string): Action[] =>
  oldestFirst(
    (ctx.snapshot.actions ?? []).filter((action) => action.goalId === goalId && !isFinishedAction(action)),
    (action) => action.dueDate,
  );

/** The open goal with the highest progress. */
const furthestAlong = (goals: readonly Goal[]): Goal | undefined =>
  goals
    .filter((goal) => !isCompletedGoal(goal) && goal.progress !== undefined)
    .reduce<Goal | undefined>((best, goal) => ((goal.progress ?? 0) > (best?.progress ?? -1) ? goal : best), undefined);

// ---------------------------------------------------------------------------------------------------------------
// Suggested actions shared by several kinds.

const withOwner = (owner: string | undefined, task: string): string =>
  owner === undefined ? `Name an owner this week to ${task}` : `Meet ${owner} this week to ${task}`;

const nextActionStep = (goalId: string, ctx: Context, goal: string): string => {
  const next = openActionsFor(ctx, goalId)[0];
  return next === undefined
    ? `Add the next concrete action for ${quote(goal)}, with an owner and a due date`
    : `Move ${quote(next.title)} forward first; it is the next open action for ${quote(goal)}`;
};

/** A step about the weakest component, when there is one. */
const weakestStep = (weakest: string | undefined, task: (quoted: string) => string): string[] =>
  weakest === undefined ? [] : [task(quote(weakest))];

// ---------------------------------------------------------------------------------------------------------------
// One wording per signal kind.

const goalRecovery = ({ payload }: SignalOf<'goal_at_risk' | 'goal_behind'>, ctx: Context): Wording => {
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

const statementWording = (label: 'vision' | 'purpose'): Wording => ({
  title: `Your ${label} has no goal behind it`,
  why: `A ${label} without goals stays a slogan; goals turn it into work the team can see.`,
  actions: [
    `Write a goal for this year that moves the business toward the ${label}`,
    `Use words from the ${label} in that goal's title so the link is visible`,
    `Check each quarter that your goals still serve the ${label}`,
  ],
});

const actionListSteps = (titles: readonly string[], step: (quoted: string) => string, closing: string): string[] => [
  ...titles.slice(0, SUGGESTIONS_MAX - 1).map((title) => step(quote(title))),
  closing,
];

/** How each kind of signal reads as an insight. */
type Wordings = { readonly [K in SignalKind]: (signal: SignalOf<K>, ctx: Context) => Wording };

const wordings: Wordings = {
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
    const next = furthestAlong(ctx.snapshot.goals ?? []);
    return {
      title: `Goal completion is low at ${payload.completionRate}%`,
      why: 'Few finished goals often means too many goals at once; finishing fewer beats starting more.',
      actions: [
        ...(next === undefined ? [] : [`Finish ${quote(next.title)} next; it is the furthest along`]),
        'Pause the goals nobody is actively working on',
        'Agree a limit on how many goals are open at once',
      ],
    };
  },
  score_component_below_target: ({ payload: { component } }) => ({
    title: titleAround((name) => `Lift the ${name} score`, component),
    why: 'A component below its target pulls the overall score down; a focused fix here moves the whole scorecard.',
    actions: [
      `Find the main cause of the low ${quote(component)} score with the person who owns it`,
      `Track a weekly measure that shows whether ${quote(component)} is improving`,
      `Add a goal or action aimed at ${quote(component)}`,
    ],
  }),
  low_overall_score: ({ payload }) => ({
    title: `Overall score is low at ${payload.overallScore}`,
    why: 'A low overall score usually means the team is spread too thin; focus beats doing everything at once.',
    actions: [
      ...weakestStep(payload.weakest?.name, (name) => `Start with ${name}, the weakest component`),
      'Review the scorecard with your leadership team every week',
      'Pause work that does not move the score',
    ],
  }),
  score_trending_down: (_signal, ctx) => ({
    title: 'Performance is trending down',
    why: 'Catching a downward trend early is cheaper than recovering from a low score.',
    actions: [
      "Compare this period's components with the last period to find what dropped",
      ...weakestStep(
        weakestComponent(ctx.snapshot.performance)?.name,
        (name) => `Look first at ${name}, the weakest component`,
      ),
      'Ask each component owner for the cause and a fix',
    ],
  }),
  overdue_actions: ({ payload }) => ({
    title: `${countIs(payload.count, 'action')} overdue`,
    why: 'Overdue actions stall the goals they serve and make every deadline easier to ignore.',
    actions: actionListSteps(
      payload.actionTitles,
      (title) => `Finish or re-date ${title}`,
      'Go through every overdue action in the weekly meeting: give it a new date or close it',
    ),
  }),
  stalled_actions: ({ payload: { count, actionTitles } }) => ({
    title: `${plural(count, 'action')} ${count === 1 ? 'has' : 'have'} stalled`,
    why: 'Work nobody touches for weeks is usually blocked or no longer important.',
    actions: actionListSteps(
      actionTitles,
      (title) => `Ask the owner of ${title} what is in the way`,
      'Close the stalled actions that no longer matter',
    ),
  }),
  blocked_actions: ({ payload }) => ({
    title: `${countIs(payload.count, 'action')} blocked`,
    why: 'Blocked work waits on a decision or a person; removing the blocker is often the quickest win.',
    actions: actionListSteps(
      payload.actionTitles,
      (title) => `Name who can unblock ${title} and ask them today`,
      'Make blockers a standing item in the weekly meeting',
    ),
  }),
  open_high_impact_issue: ({ payload: { issue, owner, linkedGoal: goal, priority } }) => {
    const level = priority === 'critical' ? 'critical' : 'high-priority';
    return {
      title: titleAround((name) => `Resolve the ${level} issue ${name}`, issue),
      why: 'An open high-impact issue drains attention from the goals until it is solved.',
      actions: [
        `Put ${quote(issue)} first on the agenda of the next leadership meeting`,
        owner === undefined
          ? `Give ${quote(issue)} an owner and a date to resolve it`
          : `Ask ${owner} for a plan and a date to resolve ${quote(issue)}`,
        ...(goal === undefined ? [] : [`Check how ${quote(issue)} affects ${quote(goal)} and adjust that goal's plan`]),
      ],
    };
  },
  vision_without_goals: () => statementWording('vision'),
  purpose_without_goals: () => statementWording('purpose'),
  goal_without_actions: ({ payload: { goal } }) => ({
    title: titleAround((name) => `Plan the first actions for ${name}`, goal),
    why: 'A goal without actions depends on good intentions; actions make progress visible and owned.',
    actions: [
      `Add the next concrete action for ${quote(goal)}, with an owner and a due date`,
      `Link any existing actions that serve ${quote(goal)} to it`,
    ],
  }),
  strong_performance: ({ payload }) => {
    const strongest = payload.strongest?.name;
    return {
      title: `Strong performance: overall score ${payload.overallScore}`,
      why: 'Strong results are the moment to capture what works and raise the bar.',
      actions: [
        ...(strongest === undefined
          ? []
          : [`Write down what keeps ${quote(strongest)} strong so the team can repeat it`]),
        ...weakestStep(payload.weakest?.name, (name) => `Raise the bar on ${name}, the weakest component`),
        'Recognise the team for the result in your next meeting',
      ],
    };
  },
};

/** The wording of a signal of any kind. */
const wordingOf = <K extends SignalKind>(signal: SignalOf<K>, ctx: Context): Wording =>
  wordings[signal.kind](signal, ctx);

const signalDraft = (signal: ComputedSignal, ctx: Context): InsightDraft => {
  const wording = wordingOf(signal, ctx);
  return toDraft({
    title: wording.title,
    description: `${signal.summary} ${wording.why}`,
    category: signal.category,
    priority: signal.priority,
    actionable: signal.kind !== 'strong_performance',
    actions: wording.actions,
    evidence: signal.facts,
    signalKey: signal.key,
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Families of per-record signals: the top ones individually, the rest in one summary.

interface Family {
  readonly kinds: readonly SignalKind[];
  /** How many insights the family may take: up to this many individually, or one fewer plus a summary. */
  readonly individual: number;
  readonly title: string;
  readonly actions: (names: string) => readonly string[];
}

const families: readonly Family[] = [
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
    kinds: ['open_high_impact_issue'],
    individual: 3,
    title: 'More high-priority issues are open',
    actions: (names) => [
      `Give ${names} an owner and a date to resolve`,
      'Work the open issues in priority order in your weekly meeting',
    ],
  },
  {
    kinds: ['score_component_below_target'],
    individual: 2,
    title: 'More scorecard components below target',
    actions: (names) => [
      `Ask the owners of ${names} for the main cause of each gap`,
      'Pick the component closest to its target and close that gap first',
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

const familySummary = (family: Family, members: readonly ComputedSignal[], ctx: Context): InsightDraft | undefined => {
  const first = members[0];
  if (first === undefined) return undefined;
  const why = wordingOf(first, ctx).why;
  const evidence = members.flatMap((member) => member.facts[0] ?? []);
  return toDraft({
    title: family.title,
    description: `${joinSentences(
      members.map((member) => member.summary),
      DESCRIPTION_MAX - why.length - 1,
    )} ${why}`,
    category: first.category,
    priority: first.priority,
    actionable: true,
    actions: family.actions(
      nameList(
        evidence.map((item) => String(item.value)),
        LISTED_NAMES,
      ),
    ),
    evidence,
  });
};

/** One draft per signal, with each family beyond its limit folded into a summary placed at its first member. */
const signalDrafts = (signals: readonly ComputedSignal[], ctx: Context): InsightDraft[] => {
  const folded = new Set<ComputedSignal>();
  const summaries = new Map<ComputedSignal, InsightDraft>();
  for (const family of families) {
    const members = signals.filter((signal) => family.kinds.includes(signal.kind));
    if (members.length <= family.individual) continue;
    const rest = members.slice(family.individual - 1);
    const summary = familySummary(family, rest, ctx);
    if (rest[0] === undefined || summary === undefined) continue;
    rest.forEach((signal) => folded.add(signal));
    summaries.set(rest[0], summary);
  }
  return signals.flatMap((signal) => summaries.get(signal) ?? (folded.has(signal) ? [] : [signalDraft(signal, ctx)]));
};

// ---------------------------------------------------------------------------------------------------------------
// Top-ups: one insight per missing source, and general insights about the data that exists.

/** A top-up insight, and the signal kinds that already say the same thing. */
interface TopUp {
  readonly draft: InsightDraft;
  readonly coveredBy: readonly SignalKind[];
}

const sourceWording: Record<SourceName, { readonly label: string; readonly why: string; readonly category: Category }> =
  {
    foundation: {
      label: 'business foundation',
      why: 'Without the vision, purpose and core values, the insights cannot check that goals serve them.',
      category: 'strategy',
    },
    goals: {
      label: 'goals',
      why: 'Without the goals, the insights cannot say which ones need attention.',
      category: 'strategy',
    },
    goalStats: {
      label: 'goal statistics',
      why: 'Without them, the insights cannot judge how many goals get finished.',
      category: 'strategy',
    },
    performance: {
      label: 'performance scorecard',
      why: 'Without the scorecard, there is no way to tell whether the business is improving.',
      category: 'operations',
    },
    actions: {
      label: 'action list',
      why: 'Without the actions, the insights cannot spot overdue, stalled or blocked work.',
      category: 'operations',
    },
    issues: {
      label: 'issues list',
      why: 'Without the issues, the insights cannot flag open high-impact problems.',
      category: 'operations',
    },
  };

const gapReasons: Record<DataGap['reason'], string> = {
  timeout: 'the request timed out',
  http_error: 'the service returned an error',
  network_error: 'the service could not be reached',
  invalid_response: 'the data came back in an unexpected format',
};

const uniqueBySource = (gaps: readonly DataGap[]): DataGap[] =>
  gaps.filter((gap, index) => gaps.findIndex((other) => other.source === gap.source) === index);

/**
 * One insight that says which sources could not be read and what that means for the advice (every set made with
 * data gaps carries one); undefined when nothing is missing.
 */
export const dataGapDraft = (gaps: readonly DataGap[]): InsightDraft | undefined => {
  const missing = uniqueBySource(gaps);
  const [first] = missing;
  if (!first) return undefined;
  const labels = missing.map((gap) => sourceWording[gap.source].label);
  const single = missing.length === 1;
  return toDraft({
    title: single ? `Connect your ${labels[0]}` : 'Some of your business data could not be read',
    description: single
      ? `Reading your ${labels[0]} failed (${gapReasons[first.reason]}), so these insights were written without ` +
        `that data. ${sourceWording[first.source].why}`
      : `These insights were written without your ${joinList(labels)}: ` +
        `${missing.map((gap) => `${sourceWording[gap.source].label} (${gapReasons[gap.reason]})`).join('; ')}. ` +
        'Advice that depends on them is missing until they can be read again.',
    category: single ? sourceWording[first.source].category : 'operations',
    priority: 'medium',
    actionable: true,
    actions: [
      `Check that the ${joinList(labels)} ${single ? 'source is' : 'sources are'} set up and shared with the coaching service`,
      'Refresh your insights once the data is back',
    ],
    evidence: missing.map((gap) => fact(gap.source, 'read failure', gap.reason)),
    signalKey: `${DATA_GAP_KEY}:${missing.map((gap) => gap.source).join('+')}`,
  });
};

/** One "Connect your …" insight per missing source, for sets that need topping up. */
const gapTopUps = (gaps: readonly DataGap[]): TopUp[] =>
  uniqueBySource(gaps).map((gap) => {
    const { label, why, category } = sourceWording[gap.source];
    return {
      coveredBy: [],
      draft: toDraft({
        title: `Connect your ${label}`,
        description:
          `Reading your ${label} failed (${gapReasons[gap.reason]}), so these insights were written without ` +
          `that data. ${why}`,
        category,
        priority: 'medium',
        actionable: true,
        actions: [
          `Check that the ${label} source is set up and shared with the coaching service`,
          `Refresh your insights once the ${label} source is back`,
        ],
        evidence: [fact(gap.source, 'read failure', gap.reason)],
        signalKey: `${DATA_GAP_KEY}:${gap.source}`,
      }),
    };
  });

const trendText = { up: 'trending up', down: 'trending down', flat: 'holding steady' } as const;

const overallScoreTopUp = (ctx: Context): TopUp | undefined => {
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

const goalCompletionTopUp = (ctx: Context): TopUp | undefined => {
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
  const next = furthestAlong(goals ?? []);
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
      actions: [
        ...(next === undefined ? [] : [`Finish ${quote(next.title)} next; it is the furthest along`]),
        "Review every open goal's progress in your weekly meeting",
      ],
      evidence: [
        fact(source, factMetrics.totalGoals, total),
        fact(source, factMetrics.completedGoals, completed),
        ...(rate === undefined ? [] : [fact('goalStats', factMetrics.completionRate, rate)]),
      ],
    }),
  };
};

const coreValuesTopUp = (ctx: Context): TopUp | undefined => {
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

const visionTopUp = (ctx: Context): TopUp | undefined => {
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

const actionsTopUp = (ctx: Context): TopUp | undefined => {
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
      (action) => !isFinishedAction(action) && action.dueDate !== undefined && !isPast(action.dueDate, ctx.now),
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

const issuesTopUp = (ctx: Context): TopUp | undefined => {
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

const generalTopUps = (ctx: Context): TopUp[] =>
  [overallScoreTopUp, goalCompletionTopUp, coreValuesTopUp, visionTopUp, actionsTopUp, issuesTopUp].flatMap(
    (topUp) => topUp(ctx) ?? [],
  );

// ---------------------------------------------------------------------------------------------------------------

const byPriority = (a: InsightDraft, b: InsightDraft): number => priorityRank(a.priority) - priorityRank(b.priority);

/**
 * Turns signals into 5-10 grounded insights, highest priority first. Suppressed keys and fingerprints are left
 * out; only if that would leave fewer than five insights are suppressed or redundant top-ups let back in, so the
 * set always meets the minimum, even when every source is missing.
 */
export const generateRuleInsights = (
  snapshot: BusinessSnapshot,
  signals: readonly ComputedSignal[],
  now: Date,
  options: RuleInsightOptions = {},
): InsightDraft[] => {
  const ctx: Context = { snapshot, now };
  const isExcluded = (draft: InsightDraft): boolean => options.exclude?.has(fingerprintOf(draft)) ?? false;
  const open = signals.filter((signal) => !(options.exclude?.has(signal.key) ?? false));
  const fromSignals = signalDrafts(open, ctx).filter((draft) => !isExcluded(draft));
  if (fromSignals.length >= MIN_INSIGHTS) {
    // Enough signals: the missing sources share one notice, so the set still says what was missing.
    const notice = [dataGapDraft(snapshot.gaps)].filter(
      (draft): draft is InsightDraft => draft !== undefined && !isExcluded(draft),
    );
    return [...fromSignals.sort(byPriority).slice(0, MAX_INSIGHTS - notice.length), ...notice].sort(byPriority);
  }
  // All signals, suppressed ones included: a general insight must not repeat what the user dismissed.
  const kinds = new Set(signals.map((signal) => signal.kind));
  const topUps = [...gapTopUps(snapshot.gaps), ...generalTopUps(ctx)];
  const isFresh = (topUp: TopUp): boolean =>
    !isExcluded(topUp.draft) && !topUp.coveredBy.some((kind) => kinds.has(kind));
  const chosen = [...fromSignals, ...topUps.filter(isFresh).map((topUp) => topUp.draft)];
  const heldBack = topUps.filter((topUp) => !isFresh(topUp)).map((topUp) => topUp.draft);
  return [...chosen, ...heldBack.slice(0, Math.max(0, MIN_INSIGHTS - chosen.length))]
    .sort(byPriority)
    .slice(0, MAX_INSIGHTS);
};
