import { alignmentOf, keywordsOf, themesOf } from '../../shared/alignment';
import type { BusinessSnapshot } from '../../shared/business-api/model';
import type { MetricDay, MetricEntities } from '../../shared/metrics/model';
import { seriesKey } from '../../shared/metrics/model';
import { changeOver, daysBetween, daysBefore, seriesOf } from '../../shared/metrics/trends';
import * as z from '../../shared/zod';
import type { AnalysisContext, AnalysisDefinition, Inconsistency } from '../model';
import { clip, matchesWithinRounding, roundTo, seriesLabel, seriesUnit } from './series';

/** The horizon a plan gets when the request names none. */
export const DEFAULT_HORIZON_MONTHS = 12;
/** How many candidate baselines the facts list (the most relevant to the intent first). */
export const MAX_BASELINES = 12;

const requestSchema = z.strictObject({
  intent: z.string().check(z.trim(), z.minLength(3), z.maxLength(1000)),
  horizonMonths: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(36))),
});
/** The request of the goal-plan analysis: what the owner wants, and within how many months (default 12). */
export type GoalPlanRequest = z.infer<typeof requestSchema>;

const checkSchema = z.object({ pass: z.boolean(), reason: z.string().check(z.minLength(3), z.maxLength(400)) });
const text = (max: number) => z.string().check(z.minLength(3), z.maxLength(max));

const plannedGoalSchema = z.object({
  title: text(200),
  kpi: z.object({
    /** A candidate baseline's `metric` when the goal is measured by one (its baseline must then be that value). */
    metric: z.string().check(z.minLength(1), z.maxLength(200)),
    baseline: z.number(),
    target: z.number(),
    unit: z.string().check(z.minLength(1), z.maxLength(40)),
  }),
  /** YYYY-MM-DD (a plain pattern keeps the tool schema small; the validator checks it is a real day). */
  deadline: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  achievability: text(600),
  relevance: text(600),
  smart: z.object({
    specific: checkSchema,
    measurable: checkSchema,
    achievable: checkSchema,
    relevant: checkSchema,
    timeBound: checkSchema,
  }),
});
/** One SMART goal of a plan. */
export type PlannedGoal = z.infer<typeof plannedGoalSchema>;

const resultSchema = z.object({
  goals: z.array(plannedGoalSchema).check(z.minLength(1), z.maxLength(3)),
  strategies: z.array(text(400)).check(z.minLength(3), z.maxLength(5)),
  firstActions: z.array(text(400)).check(z.minLength(3), z.maxLength(5)),
});
/** The result of the goal-plan analysis. */
export type GoalPlanResult = z.infer<typeof resultSchema>;

/** A number of the tenant's a goal can start from: a score, a goal's progress or figure, a rate or a KPI. */
export interface Baseline {
  /** The name a goal's `kpi.metric` uses for it: a history series key, or `goalFigure#<goal id>`. */
  readonly metric: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The change vs 30 days ago, when the history has it. */
  readonly change30?: number;
  /** The tenant's own target for it (a component's target, a goal's title figure, 100% for a goal's progress). */
  readonly target?: number;
  /** The goal's target date, for a goal's progress or figure. */
  readonly deadline?: string;
  readonly goalId?: string;
  /** The intent's words and themes it shares (themes alone rank it, but the offline plan needs a shared word). */
  readonly matched: readonly string[];
}

/** The facts of a goal plan. */
export interface GoalPlanFacts {
  readonly intent: string;
  readonly horizonMonths: number;
  readonly today: string;
  /** The last day a deadline may fall on. */
  readonly horizonEnd: string;
  readonly vision?: string;
  readonly purpose?: string;
  /** Vision, purpose and core values as one text (empty when the foundation is missing). */
  readonly strategy: string;
  /** The candidates, those the intent points to first (then the overall score, components, goals). */
  readonly baselines: readonly Baseline[];
  /** The titles of the tenant's goals, by id (the baselines' `goalId`). */
  readonly goalTitles: Readonly<Record<string, string>>;
  /** Sources that could not be read. */
  readonly gaps: readonly string[];
}

/** The same day `months` later (the month's last day when it is shorter). */
export const addMonths = (date: string, months: number): string => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1 + months, Math.min(day, lastDay))).toISOString().slice(0, 10);
};

const isDay = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

/** Counts where fewer is better (a plan lowers them). */
const LOWER_IS_BETTER = new Set(['atRisk', 'behindSchedule', 'openIssues', 'criticalIssues', 'overdueActions']);

const FIGURE_NOW = /\bcurrently\s+(\d+(?:\.\d+)?)\s*(%)?/i;
const FIGURE_TARGET = /(\d+(?:\.\d+)?)\s*(%|[a-z]+)?/gi;

/** A goal's own figure: the number its description says it is at now and the one its title aims for. */
const goalFigure = (goal: NonNullable<BusinessSnapshot['goals']>[number]) => {
  const now = goal.description?.match(FIGURE_NOW);
  const target = [...goal.title.matchAll(FIGURE_TARGET)].at(-1);
  if (!now || !target) return undefined;
  return {
    value: Number(now[1]),
    target: Number(target[1]),
    unit: target[2] ?? (now[2] === '%' ? '%' : 'units'),
  };
};

/** Whether the snapshot itself has a value for a series key. */
const snapshotHas = (snapshot: BusinessSnapshot, key: string): boolean => {
  const [metric, id] = key.split('#', 2);
  if (metric === 'overallScore') return snapshot.performance?.overallScore !== undefined;
  if (metric === 'componentScore') return (snapshot.performance?.components ?? []).some((c) => c.name === id);
  if (metric === 'goalProgress') return (snapshot.goals ?? []).some((g) => g.id === id && g.progress !== undefined);
  if (metric === 'completionRate') return snapshot.goalStats?.completionRate !== undefined;
  return false;
};

/** The latest value of each series: the snapshot's where it has one, the history's latest otherwise. */
const candidateValues = (
  snapshot: BusinessSnapshot,
  history: readonly MetricDay[],
): Map<string, { value: number; target?: number; deadline?: string; goalId?: string }> => {
  const values = new Map<string, { value: number; target?: number; deadline?: string; goalId?: string }>();
  const overall = snapshot.performance?.overallScore;
  if (overall !== undefined) values.set('overallScore', { value: overall });
  for (const component of snapshot.performance?.components ?? []) {
    values.set(seriesKey('componentScore', component.name), {
      value: component.score,
      ...(component.target !== undefined ? { target: component.target } : {}),
    });
  }
  for (const goal of snapshot.goals ?? []) {
    if (goal.status === 'completed') continue;
    const deadline = goal.targetDate?.slice(0, 10);
    const owned = { goalId: goal.id, ...(deadline ? { deadline } : {}) };
    if (goal.progress !== undefined) {
      values.set(seriesKey('goalProgress', goal.id), { value: goal.progress, target: 100, ...owned });
    }
    const figure = goalFigure(goal);
    if (figure) values.set(`goalFigure#${goal.id}`, { value: figure.value, target: figure.target, ...owned });
  }
  const completion = snapshot.goalStats?.completionRate;
  if (completion !== undefined) values.set('completionRate', { value: completion });
  // The history's latest value where the snapshot has none (a source that failed, a KPI the .NET data lacks).
  const latest = new Map<string, number>();
  for (const day of history) for (const [key, value] of Object.entries(day.values)) latest.set(key, value);
  for (const [key, value] of latest) if (!snapshotHas(snapshot, key)) values.set(key, { ...values.get(key), value });
  return values;
};

/** What the intent shares with a candidate's words: its keywords and themes. */
const matchOf = (intent: string, candidateText: string): string[] => {
  const words = keywordsOf(candidateText);
  const themes = new Set(themesOf(candidateText));
  return [
    ...[...keywordsOf(intent)].filter((word) => words.has(word)),
    ...themesOf(intent)
      .filter((theme) => themes.has(theme))
      .map((theme) => `${theme} theme`),
  ];
};

const relevance = (matched: readonly string[]): number =>
  matched.reduce((sum, match) => sum + (match.endsWith(' theme') ? 1 : 2), 0);

/** The candidate baselines for an intent: every current number of the tenant, the ones its words point to first. */
const baselinesOf = (
  intent: string,
  snapshot: BusinessSnapshot,
  history: readonly MetricDay[],
  entities: MetricEntities,
  today: string,
): Baseline[] => {
  const goals = new Map((snapshot.goals ?? []).map((goal) => [goal.id, goal]));
  const candidates = [...candidateValues(snapshot, history)].map(
    ([metric, known], order): Baseline & { order: number } => {
      const goal = known.goalId === undefined ? undefined : goals.get(known.goalId);
      const label = metric.startsWith('goalFigure#')
        ? `current figure of '${goal?.title ?? metric}'`
        : seriesLabel(metric, entities);
      const unit = metric.startsWith('goalFigure#') ? (goal && goalFigure(goal)?.unit) || 'units' : seriesUnit(metric);
      const series = seriesOf(history, metric).filter((point) => point.date <= today);
      if (snapshotHas(snapshot, metric) && series.at(-1)?.date !== today)
        series.push({ date: today, value: known.value });
      const change30 = changeOver(series, 30)?.change;
      // Titles and categories, not descriptions: a description's passing words ("a second visit") point nowhere.
      const words = [label, goal?.title, goal?.category].filter(Boolean).join(' ');
      return {
        metric,
        label,
        value: roundTo(known.value),
        unit,
        ...(change30 !== undefined && !metric.startsWith('goalFigure#') ? { change30 } : {}),
        ...(known.target !== undefined ? { target: known.target } : {}),
        ...(known.deadline !== undefined ? { deadline: known.deadline } : {}),
        ...(known.goalId !== undefined ? { goalId: known.goalId } : {}),
        matched: matchOf(intent, words),
        order,
      };
    },
  );
  return candidates
    .sort((a, b) => relevance(b.matched) - relevance(a.matched) || a.order - b.order)
    .slice(0, MAX_BASELINES)
    .map(({ order: _order, ...baseline }) => baseline);
};

const normalized = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, ' ');

/** The names a candidate may be written by: its metric, its label and, for a score component, the component's name. */
const namesOf = (baseline: Baseline): string[] => [
  baseline.metric,
  baseline.label,
  ...(baseline.metric.startsWith('componentScore#') ? [baseline.metric.slice('componentScore#'.length)] : []),
];

/** The candidate a goal's KPI is measured by, when its metric names one (by metric, label or component name). */
export const baselineFor = (metric: string, facts: GoalPlanFacts): Baseline | undefined =>
  facts.baselines.find((baseline) => namesOf(baseline).some((name) => normalized(name) === normalized(metric)));

/** Whether a goal's target is a number that differs from its baseline. */
const isMeasurable = (goal: PlannedGoal): boolean =>
  Number.isFinite(goal.kpi.target) && goal.kpi.target !== goal.kpi.baseline;

/** Whether a goal's deadline is a real day after today and within the horizon. */
const isTimeBound = (goal: PlannedGoal, facts: GoalPlanFacts): boolean =>
  isDay(goal.deadline) && goal.deadline > facts.today && goal.deadline <= facts.horizonEnd;

/** The SMART checks the facts decide, with what they must say: measurable and time-bound, both ways. */
const decidedChecks = (goal: PlannedGoal, facts: GoalPlanFacts) => ({
  measurable: isMeasurable(goal),
  timeBound: isTimeBound(goal, facts),
});

/** Names each inconsistency of one planned goal with the facts. */
export const goalInconsistencies = (goal: PlannedGoal, facts: GoalPlanFacts): Inconsistency[] => {
  const found: Inconsistency[] = [];
  const add = (name: string, detail: string): void => void found.push({ name, detail: `'${goal.title}': ${detail}` });
  if (!Number.isFinite(goal.kpi?.target)) add('missing_target', 'the KPI has no numeric target');
  if (!isDay(goal.deadline)) add('missing_deadline', 'the goal has no deadline (YYYY-MM-DD)');
  else if (goal.deadline <= facts.today)
    add('deadline_not_after_today', `${goal.deadline} is not after ${facts.today}`);
  else if (goal.deadline > facts.horizonEnd) {
    add('deadline_beyond_horizon', `${goal.deadline} is after the horizon's last day, ${facts.horizonEnd}`);
  }
  const baseline = baselineFor(goal.kpi.metric, facts);
  if (baseline && !matchesWithinRounding(goal.kpi.baseline, baseline.value, String(goal.kpi.baseline))) {
    add('invented_baseline', `${baseline.metric} is ${baseline.value} in the tenant's data, not ${goal.kpi.baseline}`);
  }
  const decided = decidedChecks(goal, facts);
  if (goal.smart.measurable.pass !== decided.measurable) {
    add(
      'smart_check_disagrees',
      decided.measurable
        ? 'measurable fails although the target is a number that differs from the baseline'
        : 'measurable passes although the target is not a number different from the baseline',
    );
  }
  if (goal.smart.timeBound.pass !== decided.timeBound) {
    add(
      'smart_check_disagrees',
      decided.timeBound
        ? 'time-bound fails although the deadline is inside the horizon'
        : 'time-bound passes although the deadline is missing or outside the horizon',
    );
  }
  if (goal.smart.relevant.pass && facts.strategy === '') {
    add('smart_check_disagrees', 'relevant passes although there is no vision or purpose to check it against');
  }
  return found;
};

const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));
const withUnit = (value: number, unit: string): string => (unit === '%' ? `${value}%` : `${value} ${unit}`);

/**
 * The target an offline plan aims for: the tenant's own when it points the right way (a goal's figure always), half
 * a count that should fall, or the better of the 30-day pace and half the distance to 100 (over a year).
 */
const offlineTarget = (baseline: Baseline, days: number, horizonMonths: number): number => {
  const kind = baseline.metric.split('#', 1)[0] ?? '';
  const lower = LOWER_IS_BETTER.has(kind);
  const own = baseline.target;
  if (own !== undefined && (kind === 'goalFigure' || (lower ? own < baseline.value : own > baseline.value))) return own;
  if (lower) return Math.max(0, Math.floor(baseline.value / 2));
  const paceGain = baseline.change30 !== undefined && baseline.change30 > 0 ? (baseline.change30 * days) / 30 : 0;
  const step = (100 - baseline.value) * 0.5 * Math.min(1, horizonMonths / 12);
  return roundTo(Math.min(100, baseline.value + Math.max(paceGain, step)));
};

/** An offline goal's title: a goal's own words with its numbers, or the candidate's name and the move it needs. */
const goalTitle = (baseline: Baseline, target: number, deadline: string, facts: GoalPlanFacts): string => {
  const [from, to] = [withUnit(baseline.value, baseline.unit), withUnit(target, baseline.unit)];
  const goal = facts.goalTitles[baseline.goalId ?? ''];
  if (baseline.metric === MILESTONES) return `${facts.intent.slice(0, 120)}: all milestones done by ${deadline}`;
  if (goal && baseline.metric.startsWith('goalFigure#')) return `${goal}: from ${from} to ${to} by ${deadline}`;
  if (goal) return `Complete '${goal}': progress from ${from} to ${to} by ${deadline}`;
  const verb = target >= baseline.value ? 'Raise' : 'Bring down';
  return `${verb} the ${baseline.label} from ${from} to ${to} by ${deadline}`;
};

/** One offline goal from a candidate baseline: its numbers, the pace they need, and the checks that follow. */
const offlineGoal = (baseline: Baseline, facts: GoalPlanFacts): PlannedGoal => {
  const deadline =
    baseline.deadline !== undefined && baseline.deadline > facts.today && baseline.deadline <= facts.horizonEnd
      ? baseline.deadline
      : facts.horizonEnd;
  const days = Math.max(1, daysBetween(facts.today, deadline));
  const target = offlineTarget(baseline, days, facts.horizonMonths);
  const rising = target >= baseline.value;
  const title = goalTitle(baseline, target, deadline, facts).slice(0, 200);
  const needed = roundTo(((target - baseline.value) / days) * 30);
  const pace = baseline.change30;
  const onPace = pace !== undefined && needed !== 0 && (rising ? pace >= needed : pace <= needed);
  const achievability =
    pace === undefined
      ? `Offline estimate: no 30-day history for ${baseline.label}, so its pace is unknown; the target needs ${signed(needed)} every 30 days.`
      : `Offline estimate from the last 30 days' pace: ${baseline.label} moved ${signed(pace)} in 30 days; the target needs ${signed(needed)} every 30 days${onPace ? ', which the current pace covers' : ', faster than the current pace'}.`;
  const alignment = alignmentOf(facts.strategy, `${title} ${facts.intent}`);
  const shared = [...alignment.sharedThemes.map((theme) => `the ${theme} theme`), ...alignment.sharedWords];
  const relevant = facts.strategy !== '' && shared.length > 0;
  const relevance =
    facts.strategy === ''
      ? 'No vision or purpose on record, so relevance could not be checked (offline).'
      : relevant
        ? `Shares ${shared.join(', ')} with the vision, purpose and values (offline: shared words and themes).`
        : 'Shares no word or theme with the vision, purpose or values (offline); say how it serves them.';
  const goal: PlannedGoal = {
    title,
    kpi: { metric: baseline.metric, baseline: baseline.value, target, unit: baseline.unit },
    deadline,
    achievability,
    relevance,
    smart: {
      specific: { pass: true, reason: `Names ${baseline.label} and the number it should reach.` },
      measurable: { pass: false, reason: '' },
      achievable: {
        pass: onPace,
        reason: onPace
          ? 'The last 30 days moved at the pace the target needs.'
          : 'Needs a faster pace than the last 30 days showed (or no pace is known).',
      },
      relevant: { pass: relevant, reason: relevance },
      timeBound: { pass: false, reason: '' },
    },
  };
  const decided = decidedChecks(goal, facts);
  return {
    ...goal,
    smart: {
      ...goal.smart,
      measurable: {
        pass: decided.measurable,
        reason: decided.measurable
          ? `From ${baseline.value} to ${target} ${baseline.unit}.`
          : `The target equals today's value (${baseline.value}); there is nothing to measure.`,
      },
      timeBound: {
        pass: decided.timeBound,
        reason: decided.timeBound
          ? `Due ${deadline}, inside the ${facts.horizonMonths}-month horizon.`
          : 'The deadline is outside the horizon.',
      },
    },
  };
};

/** The KPI of a goal the tenant's data has no number for: the share of the plan's milestones done. */
const MILESTONES = 'plan milestones completed';

/** A goal for an intent the tenant's data has no number for: milestones of the plan, from 0 to 100%. */
const milestoneBaseline = (facts: GoalPlanFacts): Baseline => ({
  metric: MILESTONES,
  label: `milestones of '${facts.intent.slice(0, 80)}'`,
  value: 0,
  unit: '%',
  target: 100,
  matched: [],
});

const precompute = ({
  request,
  snapshot,
  history,
  entities,
  today,
}: AnalysisContext<GoalPlanRequest>): GoalPlanFacts => {
  const foundation = snapshot.foundation;
  const horizonMonths = request.horizonMonths ?? DEFAULT_HORIZON_MONTHS;
  const strategy = [
    foundation?.vision,
    foundation?.purpose,
    ...(foundation?.coreValues ?? []).map((value) => `${value.name} ${value.description ?? ''}`.trim()),
  ]
    .filter(Boolean)
    .join(' ');
  return {
    intent: request.intent,
    horizonMonths,
    today,
    horizonEnd: addMonths(today, horizonMonths),
    ...(foundation?.vision ? { vision: foundation.vision } : {}),
    ...(foundation?.purpose ? { purpose: foundation.purpose } : {}),
    strategy,
    baselines: baselinesOf(request.intent, snapshot, history, entities, today),
    goalTitles: Object.fromEntries((snapshot.goals ?? []).map((goal) => [goal.id, goal.title])),
    gaps: snapshot.gaps.map((gap) => gap.source),
  };
};

const offline = ({ snapshot }: AnalysisContext<GoalPlanRequest>, facts: GoalPlanFacts): GoalPlanResult => {
  // One goal per tenant goal: its own figure (e.g. members) rather than its progress percentage when it has one.
  const pointed = facts.baselines
    .filter((baseline) => baseline.matched.some((match) => !match.endsWith(' theme')))
    .filter(
      (baseline) =>
        !baseline.metric.startsWith('goalProgress#') ||
        !facts.baselines.some((other) => other.metric === `goalFigure#${baseline.goalId}`),
    )
    .slice(0, 3);
  // Nothing the intent points to: its own milestones, and the headline number so the plan keeps an eye on it.
  const headline = facts.baselines.find((baseline) => baseline.metric === 'overallScore') ?? facts.baselines[0];
  const picks = pointed.length > 0 ? pointed : [milestoneBaseline(facts), ...(headline ? [headline] : [])];
  const goals = picks.map((baseline) => offlineGoal(baseline, facts));
  const [first] = goals as [PlannedGoal];
  const linkedGoals = (snapshot.goals ?? []).filter((goal) => picks.some((pick) => pick.goalId === goal.id));
  const openActions = (snapshot.actions ?? []).filter(
    (action) =>
      linkedGoals.some((goal) => goal.id === action.goalId) &&
      action.status !== 'done' &&
      action.status !== 'cancelled',
  );
  const reviewDay = daysBefore(first.deadline, Math.floor(daysBetween(facts.today, first.deadline) / 2));
  const strategies = [
    ...goals.map(
      (goal, i) =>
        `Track the ${picks[i]?.label ?? goal.kpi.metric} weekly against the target of ${withUnit(goal.kpi.target, goal.kpi.unit)}`,
    ),
    ...openActions
      .slice(0, 2)
      .map((action) => `Finish '${action.title}' (${action.status ?? 'open'}), already planned for this goal`),
    ...(facts.vision ? [`Explain to the team how the plan serves the vision: "${facts.vision.slice(0, 200)}"`] : []),
    'Break each target into monthly milestones and review them at the monthly planning meeting',
    'Give every goal a single owner who reports on it each week',
  ].slice(0, 5);
  const firstActions = [
    ...goals.map(
      (goal, i) =>
        `Write down today's baseline (${facts.today}): the ${picks[i]?.label ?? goal.kpi.metric} is ${withUnit(goal.kpi.baseline, goal.kpi.unit)}`,
    ),
    ...linkedGoals.filter((goal) => goal.owner).map((goal) => `Confirm ${goal.owner} as the owner of '${goal.title}'`),
    `Put a mid-point review in the calendar for ${reviewDay}`,
    'List the three things most likely to block the plan and one counter-measure each',
  ].slice(0, 5);
  return {
    goals,
    strategies: strategies.map((line) => clip(line)),
    firstActions: firstActions.map((line) => clip(line)),
  };
};

/**
 * Goal plan: an intent turned into 1-3 SMART goals measured by the tenant's own numbers (baselines from its data and
 * history), with strategies and first actions.
 */
export const goalPlanAnalysis: AnalysisDefinition<GoalPlanRequest, GoalPlanFacts, GoalPlanResult> = {
  type: 'goal-plan',
  summary:
    "Turns an intent into 1-3 SMART goals with KPIs from the tenant's own numbers, strategies and first actions.",
  promptTopic: 'analysis_goal_plan',
  requestSchema,
  resultSchema,
  recipe: { sources: ['foundation', 'goals', 'goalStats', 'performance', 'actions'], historyDays: 45 },
  model: 'standard',
  precompute,
  validate: (result, facts) => result.goals.flatMap((goal) => goalInconsistencies(goal, facts)),
  offline,
};
