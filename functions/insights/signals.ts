import type { Action, BusinessSnapshot, Goal, Issue, Performance } from '../shared/business-api/model';
import { priorities } from './model';
import type { Category, Evidence, Priority, Signal } from './model';
import { countIs, isoDay, nameList, plural, quote, truncate } from './text';

/**
 * Deterministic signals: facts computed from one business snapshot. They are handed to the model as ground truth
 * and turned into insights by the rules generator when the model is unavailable.
 *
 * Conventions:
 * - Percentages and scores are rounded to whole numbers BEFORE they are compared or stated, so a summary never
 *   says "30% is below 30%", and every number in a summary is one of the signal's facts.
 * - A date without a time is due at the end of that day (UTC); a date-time without an offset is read as UTC, so
 *   the result never depends on the host's time zone.
 * - Keys name the situation, never the day (`goal_at_risk:<goalId>`, `overdue_actions`), so a dismissal keeps
 *   suppressing the same situation; day counts live in the summary and facts only.
 */

/** The tunable limits the signals use. */
export interface SignalThresholds {
  /** A goal completion rate (%) below this is low. */
  readonly lowCompletionRate: number;
  /** The completion rate is only judged when at least this many goals are known. */
  readonly minGoalsForCompletionRate: number;
  /** The score a component without a target of its own should reach. */
  readonly componentFloor: number;
  /** A component at least this many points below its target is high priority. */
  readonly wideComponentGap: number;
  /** An overall score below this is low. */
  readonly lowOverallScore: number;
  /** An overall score at or above this is strong. */
  readonly strongOverallScore: number;
  /** An open action with no update for more than this many days has stalled. */
  readonly stalledAfterDays: number;
  /** How many action titles an aggregate action signal names. */
  readonly namedActions: number;
}

/** The default thresholds; `computeSignals` accepts overrides. */
export const defaultSignalThresholds: SignalThresholds = {
  lowCompletionRate: 30,
  minGoalsForCompletionRate: 3,
  componentFloor: 60,
  wideComponentGap: 20,
  lowOverallScore: 60,
  strongOverallScore: 80,
  stalledAfterDays: 14,
  namedActions: 3,
};

/** Metric names of signal facts; the rules generator reads facts by these names. */
export const factMetrics = {
  goal: 'goal',
  goalId: 'goal id',
  goalStatus: 'goal status',
  progress: 'progress (%)',
  targetDate: 'target date',
  daysPastTarget: 'days past target date',
  owner: 'owner',
  completionRate: 'goal completion rate (%)',
  completedGoals: 'completed goals',
  totalGoals: 'total goals',
  lowCompletionThreshold: 'low completion threshold (%)',
  component: 'score component',
  componentScore: 'component score',
  componentTarget: 'component target',
  componentFloor: 'default component floor',
  pointsBelowTarget: 'points below target',
  overallScore: 'overall score',
  lowScoreThreshold: 'low overall score threshold',
  strongScoreThreshold: 'strong overall score threshold',
  trend: 'score trend',
  strongestComponent: 'strongest component',
  strongestScore: 'strongest component score',
  weakestComponent: 'weakest component',
  weakestScore: 'weakest component score',
  overdueActions: 'overdue actions',
  oldestDueDate: 'oldest due date',
  stalledActions: 'stalled actions',
  stalledAfterDays: 'stalled after days',
  oldestUpdate: 'oldest update',
  blockedActions: 'blocked actions',
  action: 'action',
  issue: 'issue',
  issuePriority: 'issue priority',
  issueStatus: 'issue status',
  openedOn: 'opened on',
  daysOpen: 'days open',
  linkedGoal: 'linked goal',
  vision: 'vision',
  purpose: 'purpose',
  activeGoals: 'active goals',
  keywords: 'keywords checked',
  linkedActions: 'linked actions',
} as const;

const DAY_MS = 86_400_000;
const FACT_TEXT_MAX = 200;

// ---------------------------------------------------------------------------------------------------------------
// Fact helpers, shared with the rules generator.

/** The value of a signal's first fact with this metric, as text. */
export const factText = (signal: Signal, metric: string): string | undefined => {
  const value = signal.facts.find((fact) => fact.metric === metric)?.value;
  return value === undefined ? undefined : String(value);
};

/** The values of all of a signal's facts with this metric, as text, in order. */
export const factTexts = (signal: Signal, metric: string): string[] =>
  signal.facts.filter((fact) => fact.metric === metric).map((fact) => String(fact.value));

/** One fact; text is shortened to what the evidence schema allows. */
export const fact = (source: Evidence['source'], metric: string, value: string | number): Evidence => ({
  source,
  metric,
  value: typeof value === 'string' ? truncate(value, FACT_TEXT_MAX) : value,
});

/** Sort position of a priority: critical first. */
export const priorityRank = (priority: Priority): number => priorities.length - 1 - priorities.indexOf(priority);

// ---------------------------------------------------------------------------------------------------------------
// Time.

const isDateOnly = (iso: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(iso);
const hasOffset = (iso: string): boolean => /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso);

/** Epoch milliseconds of an ISO date (midnight UTC) or date-time (UTC when it has no offset). */
const startOf = (iso: string): number => Date.parse(isDateOnly(iso) || hasOffset(iso) ? iso : `${iso}Z`);

/** Whether something due at `iso` is late at `now`; a plain date is due by the end of that day. */
export const isPast = (iso: string, now: Date): boolean =>
  (isDateOnly(iso) ? startOf(iso) + DAY_MS - 1 : startOf(iso)) < now.getTime();

/** Whole days from `iso` to `now`. */
const daysSince = (iso: string, now: Date): number => Math.floor((now.getTime() - startOf(iso)) / DAY_MS);

// ---------------------------------------------------------------------------------------------------------------
// Goals.

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
const goalSignals = (goals: readonly Goal[], now: Date): Signal[] =>
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

// ---------------------------------------------------------------------------------------------------------------
// Performance.

type Component = NonNullable<Performance['components']>[number];

/** The component with the highest score (the first one on a tie). */
export const strongestComponent = (performance: Performance | undefined): Component | undefined =>
  (performance?.components ?? []).reduce<Component | undefined>(
    (best, component) => (best === undefined || component.score > best.score ? component : best),
    undefined,
  );

/** The component with the lowest score (the first one on a tie). */
export const weakestComponent = (performance: Performance | undefined): Component | undefined =>
  (performance?.components ?? []).reduce<Component | undefined>(
    (worst, component) => (worst === undefined || component.score < worst.score ? component : worst),
    undefined,
  );

/** A component's category from its name: money → finance, customers and sales → marketing, people → leadership. */
const componentCategory = (name: string): Category => {
  const lower = name.toLowerCase();
  if (/financ|revenue|profit|cash|margin|cost|budget/.test(lower)) return 'finance';
  if (/market|brand|lead|customer|sales|acquisition/.test(lower)) return 'marketing';
  if (/team|people|culture|staff|employee|hiring|talent|leader/.test(lower)) return 'leadership';
  return 'operations';
};

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'component';

const componentSignals = (performance: Performance, t: SignalThresholds): Signal[] =>
  (performance.components ?? []).flatMap((component): Signal[] => {
    const score = Math.round(component.score);
    const target = component.target === undefined ? undefined : Math.round(component.target);
    const bar = target ?? t.componentFloor;
    if (score >= bar) return [];
    const gap = bar - score;
    return [
      {
        key: `score_component_below_target:${slug(component.name)}`,
        kind: 'score_component_below_target',
        category: componentCategory(component.name),
        priority: gap >= t.wideComponentGap ? 'high' : 'medium',
        summary:
          `Score component ${quote(component.name)} is at ${score}, ${plural(gap, 'point')} below ` +
          `${target === undefined ? `the default floor of ${bar}` : `its target of ${bar}`}.`,
        facts: [
          fact('performance', factMetrics.component, component.name),
          fact('performance', factMetrics.componentScore, score),
          target === undefined
            ? fact('signals', factMetrics.componentFloor, bar)
            : fact('performance', factMetrics.componentTarget, bar),
          fact('performance', factMetrics.pointsBelowTarget, gap),
        ],
      },
    ];
  });

/** "'Cash flow' at 45": a component's quoted name and rounded score. */
export const scoreText = (component: Component): string => `${quote(component.name)} at ${Math.round(component.score)}`;

/** A component's name and rounded score as two facts, under the given metric names. */
export const componentFacts = (
  component: Component | undefined,
  nameMetric: string,
  scoreMetric: string,
): Evidence[] =>
  component === undefined
    ? []
    : [fact('performance', nameMetric, component.name), fact('performance', scoreMetric, Math.round(component.score))];

const overallSignals = (performance: Performance, t: SignalThresholds): Signal[] => {
  const trendFacts = performance.trend === undefined ? [] : [fact('performance', factMetrics.trend, performance.trend)];
  const signals: Signal[] = [];
  if (performance.trend === 'down') {
    signals.push({
      key: 'score_trending_down',
      kind: 'score_trending_down',
      category: 'strategy',
      priority: 'medium',
      summary: `The performance trend is down${
        performance.overallScore === undefined
          ? ''
          : `, with an overall score of ${Math.round(performance.overallScore)}`
      }.`,
      facts: [
        ...trendFacts,
        ...(performance.overallScore === undefined
          ? []
          : [fact('performance', factMetrics.overallScore, Math.round(performance.overallScore))]),
      ],
    });
  }
  if (performance.overallScore === undefined) return signals;
  const score = Math.round(performance.overallScore);
  const strongest = strongestComponent(performance);
  const weakest = weakestComponent(performance);
  if (score < t.lowOverallScore) {
    signals.push({
      key: 'low_overall_score',
      kind: 'low_overall_score',
      category: 'strategy',
      priority: 'high',
      summary:
        `The overall score is ${score}, below the threshold of ${t.lowOverallScore}` +
        `${weakest === undefined ? '' : `; the weakest component is ${scoreText(weakest)}`}.`,
      facts: [
        fact('performance', factMetrics.overallScore, score),
        fact('signals', factMetrics.lowScoreThreshold, t.lowOverallScore),
        ...trendFacts,
        ...componentFacts(weakest, factMetrics.weakestComponent, factMetrics.weakestScore),
      ],
    });
  }
  if (score >= t.strongOverallScore) {
    signals.push({
      key: 'strong_performance',
      kind: 'strong_performance',
      category: 'leadership',
      priority: 'low',
      summary:
        `The overall score is ${score}, at or above the strong mark of ${t.strongOverallScore}` +
        `${strongest === undefined ? '' : `, led by ${scoreText(strongest)}`}.`,
      facts: [
        fact('performance', factMetrics.overallScore, score),
        fact('signals', factMetrics.strongScoreThreshold, t.strongOverallScore),
        ...trendFacts,
        ...componentFacts(strongest, factMetrics.strongestComponent, factMetrics.strongestScore),
        ...(weakest === strongest
          ? []
          : componentFacts(weakest, factMetrics.weakestComponent, factMetrics.weakestScore)),
      ],
    });
  }
  return signals;
};

const performanceSignals = (performance: Performance | undefined, t: SignalThresholds): Signal[] =>
  performance === undefined ? [] : [...overallSignals(performance, t), ...componentSignals(performance, t)];

// ---------------------------------------------------------------------------------------------------------------
// Actions.

/** Open or in progress (no status counts as open); blocked, done and cancelled are not. */
const isOpenAction = (action: Action): boolean =>
  action.status === undefined || action.status === 'open' || action.status === 'in_progress';

/** Done or cancelled. */
export const isFinishedAction = (action: Action): boolean => action.status === 'done' || action.status === 'cancelled';

const lastTouched = (action: Action): string | undefined => action.updatedAt ?? action.createdAt;

/** Sorts actions oldest first by the given date (undated last), then by title, so the named ones are stable. */
export const oldestFirst = (actions: readonly Action[], dateOf: (action: Action) => string | undefined): Action[] =>
  [...actions].sort((a, b) => {
    const byDate = startOf(dateOf(a) ?? '9999-12-31') - startOf(dateOf(b) ?? '9999-12-31');
    return byDate !== 0 ? byDate : a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
  });

const actionTitleFacts = (actions: readonly Action[], t: SignalThresholds): Evidence[] =>
  actions.slice(0, t.namedActions).map((action) => fact('actions', factMetrics.action, action.title));

const overdueActionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): Signal[] => {
  const overdue = oldestFirst(
    actions.filter(
      (action) => !isFinishedAction(action) && action.dueDate !== undefined && isPast(action.dueDate, now),
    ),
    (action) => action.dueDate,
  );
  const oldest = overdue[0];
  if (oldest?.dueDate === undefined) return [];
  return [
    {
      key: 'overdue_actions',
      kind: 'overdue_actions',
      category: 'operations',
      priority: 'high',
      summary:
        `${countIs(overdue.length, 'action')} past the due date; the oldest is ${quote(oldest.title)}, ` +
        `due ${isoDay(oldest.dueDate)}.`,
      facts: [
        fact('actions', factMetrics.overdueActions, overdue.length),
        fact('actions', factMetrics.oldestDueDate, isoDay(oldest.dueDate)),
        ...actionTitleFacts(overdue, t),
      ],
    },
  ];
};

const stalledActionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): Signal[] => {
  const stalled = oldestFirst(
    actions.filter((action) => {
      const touched = lastTouched(action);
      const idleMs = touched === undefined ? 0 : now.getTime() - startOf(touched);
      return isOpenAction(action) && idleMs > t.stalledAfterDays * DAY_MS;
    }),
    lastTouched,
  );
  const oldestUpdate = stalled[0] === undefined ? undefined : lastTouched(stalled[0]);
  if (stalled[0] === undefined || oldestUpdate === undefined) return [];
  return [
    {
      key: 'stalled_actions',
      kind: 'stalled_actions',
      category: 'operations',
      priority: 'medium',
      summary:
        `${plural(stalled.length, 'open action')} had no update for more than ${t.stalledAfterDays} days; ` +
        `the longest untouched is ${quote(stalled[0].title)}, last updated ${isoDay(oldestUpdate)}.`,
      facts: [
        fact('actions', factMetrics.stalledActions, stalled.length),
        fact('signals', factMetrics.stalledAfterDays, t.stalledAfterDays),
        fact('actions', factMetrics.oldestUpdate, isoDay(oldestUpdate)),
        ...actionTitleFacts(stalled, t),
      ],
    },
  ];
};

const blockedActionSignals = (actions: readonly Action[], t: SignalThresholds): Signal[] => {
  const blocked = oldestFirst(
    actions.filter((action) => action.status === 'blocked'),
    lastTouched,
  );
  if (blocked.length === 0) return [];
  return [
    {
      key: 'blocked_actions',
      kind: 'blocked_actions',
      category: 'operations',
      priority: 'medium',
      summary: `${countIs(blocked.length, 'action')} blocked: ${nameList(
        blocked.map((action) => action.title),
        t.namedActions,
      )}.`,
      facts: [fact('actions', factMetrics.blockedActions, blocked.length), ...actionTitleFacts(blocked, t)],
    },
  ];
};

const actionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): Signal[] => [
  ...overdueActionSignals(actions, now, t),
  ...stalledActionSignals(actions, now, t),
  ...blockedActionSignals(actions, t),
];

// ---------------------------------------------------------------------------------------------------------------
// Issues.

const isOpenIssue = (issue: Issue): boolean =>
  issue.status === undefined || issue.status === 'open' || issue.status === 'in_progress';

/** One signal per open issue at high or critical priority. */
const issueSignals = (issues: readonly Issue[], goals: readonly Goal[], now: Date): Signal[] =>
  issues.flatMap((issue): Signal[] => {
    if (!isOpenIssue(issue) || (issue.priority !== 'high' && issue.priority !== 'critical')) return [];
    const goal = issue.goalId === undefined ? undefined : goals.find((candidate) => candidate.id === issue.goalId);
    const opened =
      issue.createdAt === undefined
        ? undefined
        : { day: isoDay(issue.createdAt), days: daysSince(issue.createdAt, now) };
    const label = issue.priority === 'critical' ? 'Critical' : 'High-priority';
    return [
      {
        key: `open_high_impact_issue:${issue.id}`,
        kind: 'open_high_impact_issue',
        category: 'operations',
        priority: issue.priority,
        summary:
          `${label} issue ${quote(issue.title)} ` +
          `${opened === undefined ? 'is open' : `has been open since ${opened.day} (${plural(opened.days, 'day')})`}` +
          `${goal === undefined ? '' : ` and affects the goal ${quote(goal.title)}`}.`,
        facts: [
          fact('issues', factMetrics.issue, issue.title),
          fact('issues', factMetrics.issuePriority, issue.priority),
          ...(issue.status === undefined ? [] : [fact('issues', factMetrics.issueStatus, issue.status)]),
          ...(opened === undefined
            ? []
            : [fact('issues', factMetrics.openedOn, opened.day), fact('issues', factMetrics.daysOpen, opened.days)]),
          ...(issue.owner === undefined ? [] : [fact('issues', factMetrics.owner, issue.owner)]),
          ...(goal === undefined ? [] : [fact('goals', factMetrics.linkedGoal, goal.title)]),
        ],
      },
    ];
  });

// ---------------------------------------------------------------------------------------------------------------
// Vision and purpose.

const stopWords = new Set(
  (
    'about above after again also because become been before being best better business company customer ' +
    'customers each every from have help into just like make more most much only other over same should ' +
    'such than that their them then there these they this those through very want were what when where which ' +
    'while will with within without world would your yours year years'
  ).split(' '),
);

/** Meaningful words: letters or digits, at least four long, not a stop word, with a plural 's' removed. */
const keywords = (text: string): Set<string> =>
  new Set(
    (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((word) => word.length >= 4 && !stopWords.has(word))
      .map((word) => (word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word)),
  );

/**
 * The vision (or purpose) has no goal behind it when there are no active (not completed) goals, or when no active
 * goal's title or description shares a keyword with it. Keywords are words of four or more letters that are not
 * common filler ("business", "every", ...), compared case-insensitively with a plural 's' removed; a statement with
 * no keyword is only judged on whether any goal is active. Only judged when the goals were read.
 */
const statementSignals = (
  kind: 'vision_without_goals' | 'purpose_without_goals',
  label: 'vision' | 'purpose',
  statement: string | undefined,
  goals: readonly Goal[] | undefined,
): Signal[] => {
  if (statement === undefined || goals === undefined) return [];
  const active = goals.filter((goal) => !isCompletedGoal(goal));
  const wanted = keywords(statement);
  const shares = active.some((goal) =>
    [...keywords(`${goal.title} ${goal.description ?? ''}`)].some((word) => wanted.has(word)),
  );
  if (active.length > 0 && (shares || wanted.size === 0)) return [];
  return [
    {
      key: kind,
      kind,
      category: 'strategy',
      priority: active.length === 0 ? 'high' : 'medium',
      summary:
        active.length === 0
          ? `The ${label} has no goal behind it: there are no active goals.`
          : `None of the ${plural(active.length, 'active goal')} shares a keyword with the ${label}.`,
      facts: [
        fact('foundation', label === 'vision' ? factMetrics.vision : factMetrics.purpose, statement),
        fact('goals', factMetrics.activeGoals, active.length),
        ...(wanted.size === 0 ? [] : [fact('signals', factMetrics.keywords, [...wanted].join(', '))]),
      ],
    },
  ];
};

// ---------------------------------------------------------------------------------------------------------------
// Goals without actions.

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

// ---------------------------------------------------------------------------------------------------------------

const bySeverity = (a: Signal, b: Signal): number =>
  priorityRank(a.priority) - priorityRank(b.priority) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const uniqueByKey = (signals: readonly Signal[]): Signal[] => {
  const seen = new Set<string>();
  return signals.filter((signal) => !seen.has(signal.key) && seen.add(signal.key));
};

/**
 * Computes the deterministic signals of a snapshot at `now`: pure, one signal per key (the first wins when two
 * records share an id), sorted by priority (critical first) then key.
 */
export const computeSignals = (
  snapshot: BusinessSnapshot,
  now: Date,
  thresholds: Partial<SignalThresholds> = {},
): Signal[] => {
  const t: SignalThresholds = { ...defaultSignalThresholds, ...thresholds };
  const goals = snapshot.goals ?? [];
  const signals = [
    ...goalSignals(goals, now),
    ...lowCompletionSignals(snapshot, t),
    ...performanceSignals(snapshot.performance, t),
    ...actionSignals(snapshot.actions ?? [], now, t),
    ...issueSignals(snapshot.issues ?? [], goals, now),
    ...statementSignals('vision_without_goals', 'vision', snapshot.foundation?.vision, snapshot.goals),
    ...statementSignals('purpose_without_goals', 'purpose', snapshot.foundation?.purpose, snapshot.goals),
    ...goalsWithoutActionsSignals(goals, snapshot.actions),
  ];
  return uniqueByKey(signals).sort(bySeverity);
};
