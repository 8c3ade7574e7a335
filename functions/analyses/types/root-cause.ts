import type { Action, BusinessSnapshot, Issue } from '../../shared/business-api/model';
import type { MetricDay, MetricEntities } from '../../shared/metrics/model';
import { metricNames } from '../../shared/metrics/model';
import { daysBefore, daysBetween, seriesOf } from '../../shared/metrics/trends';
import * as z from '../../shared/zod';
import type { AnalysisContext, AnalysisDefinition, Inconsistency } from '../model';
import { MIN_POINTS_FOR_SIGNIFICANCE, pearson, permutationPValue } from '../statistics';
import { clip, matchesWithinRounding, roundTo, seriesLabel } from './series';

/** The default period: the last this many days up to today. */
export const DEFAULT_PERIOD_DAYS = 30;
/** How many of the series that moved with the metric the facts keep (the strongest correlations first). */
export const MAX_CHANGES = 8;
/** A p-value at or below this is significant (only with MIN_POINTS_FOR_SIGNIFICANCE paired days). */
export const SIGNIFICANCE_LEVEL = 0.05;
/** Fewer paired days than this give no correlation at all. */
const MIN_PAIRED_DAYS = 3;

const day = z.iso.date();
const requestSchema = z.strictObject({
  /** A series key of the history (`overallScore`, `componentScore#Revenue vs plan`), a component's or goal's name. */
  metric: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  observation: z.string().check(z.trim(), z.minLength(3), z.maxLength(1000)),
  period: z.optional(
    z
      .strictObject({ from: day, to: day })
      .check(z.refine((period) => period.from <= period.to, { message: 'from must not be after to', path: ['to'] })),
  ),
});
/** The request of the root-cause analysis: which metric, what the owner saw, and when (default the last 30 days). */
export type RootCauseRequest = z.infer<typeof requestSchema>;

const text = (max: number) => z.string().check(z.minLength(3), z.maxLength(max));
const confidences = ['low', 'medium', 'high'] as const;

const hypothesisSchema = z.object({
  cause: text(400),
  evidenceFor: z.array(text(400)).check(z.minLength(1), z.maxLength(6)),
  evidenceAgainst: z.array(text(400)).check(z.minLength(1), z.maxLength(6)),
  confidence: z.enum(confidences),
  /** What would confirm (or rule out) the cause. */
  check: text(400),
});
/** One ranked hypothesis of a root-cause analysis. */
export type Hypothesis = z.infer<typeof hypothesisSchema>;

const correlatedChangeSchema = z.object({
  series: z.string().check(z.minLength(1), z.maxLength(200)),
  change: z.number(),
  correlation: z.number().check(z.minimum(-1), z.maximum(1)),
  pValue: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  significant: z.boolean(),
});
/** A series that moved in the period, with its correlation with the metric (as pre-computed). */
export type CorrelatedChange = z.infer<typeof correlatedChangeSchema>;

const resultSchema = z.object({
  hypotheses: z.array(hypothesisSchema).check(z.minLength(1), z.maxLength(5)),
  correlatedChanges: z.array(correlatedChangeSchema).check(z.maxLength(MAX_CHANGES)),
});
/** The result of the root-cause analysis. */
export type RootCauseResult = z.infer<typeof resultSchema>;

/** A series' move over the period and how it went with the metric's daily values. */
export interface PeriodChange {
  readonly series: string;
  readonly label: string;
  /** The first and last value in the period, and the difference (one decimal). */
  readonly from: number;
  readonly to: number;
  readonly change: number;
  /** The days both series have a value. */
  readonly pairedDays: number;
  /** Pearson's r over the paired days (two decimals). */
  readonly correlation: number;
  /** The permutation p-value (three decimals); absent with fewer than MIN_POINTS_FOR_SIGNIFICANCE paired days. */
  readonly pValue?: number;
  readonly significant: boolean;
  /** `history`, or `issues` / `actions` for a daily count rebuilt from the snapshot's records. */
  readonly source: 'history' | 'issues' | 'actions';
}

/** The facts of a root-cause analysis. */
export interface RootCauseFacts {
  /** The series the request's metric names (its key), or the request's metric when the history has none. */
  readonly metric: string;
  readonly label: string;
  readonly period: { readonly from: string; readonly to: string };
  /** The metric's move over the period; absent when the history has no value of it there. */
  readonly target?: { readonly from: number; readonly to: number; readonly change: number; readonly days: number };
  /** The series that moved in the period, strongest correlation first (at most MAX_CHANGES). */
  readonly changes: readonly PeriodChange[];
  /** What the significance rests on, or why none is claimed. */
  readonly significance: string;
  readonly issuesOpened: readonly {
    id: string;
    title: string;
    priority?: string;
    opened: string;
    owner?: string;
  }[];
  readonly actionsOverdue: readonly {
    id: string;
    title: string;
    dueDate: string;
    status?: string;
    assignee?: string;
  }[];
  /** Sources that could not be read. */
  readonly gaps: readonly string[];
}

const isClosed = (status: string | undefined): boolean =>
  status === 'done' || status === 'cancelled' || status === 'resolved' || status === 'closed';

/** The days from `from` to `to`, both included. */
const daysOf = (from: string, to: string): string[] =>
  Array.from({ length: Math.max(0, daysBetween(from, to) + 1) }, (_, i) => daysBefore(to, daysBetween(from, to) - i));

/** The history's series key the request's metric names: the key itself, any case, a component's or goal's name. */
export const resolveMetric = (metric: string, history: readonly MetricDay[], entities: MetricEntities): string => {
  const keys = new Set(history.flatMap((entry) => Object.keys(entry.values)));
  const wanted = metric.trim().toLowerCase();
  const goal = entities.goals.find((candidate) => candidate.title.toLowerCase() === wanted);
  const candidates = [metric.trim(), `componentScore#${metric.trim()}`, ...(goal ? [`goalProgress#${goal.id}`] : [])];
  return (
    candidates.find((key) => keys.has(key)) ??
    [...keys].find((key) => key.toLowerCase() === wanted || key.toLowerCase() === `componentscore#${wanted}`) ??
    metric.trim()
  );
};

/**
 * Daily counts the snapshot's records give for the period: issues opened so far in it (from `createdAt`), and, when
 * the history does not record them, actions overdue (past their due date and not done that day; a done action's
 * `updatedAt` is taken as the day it was done).
 */
const recordSeries = (
  snapshot: BusinessSnapshot,
  days: readonly string[],
  historyKeys: ReadonlySet<string>,
): { key: string; source: 'issues' | 'actions'; values: Map<string, number> }[] => {
  const from = days[0] ?? '';
  const series: { key: string; source: 'issues' | 'actions'; values: Map<string, number> }[] = [];
  if (snapshot.issues) {
    const opened = snapshot.issues.flatMap((issue) => (issue.createdAt ? [issue.createdAt.slice(0, 10)] : []));
    series.push({
      key: 'issuesOpened',
      source: 'issues',
      values: new Map(days.map((d) => [d, opened.filter((date) => date >= from && date <= d).length])),
    });
  }
  if (snapshot.actions && !historyKeys.has('overdueActions')) {
    const overdueOn = (action: Action, d: string): boolean =>
      action.dueDate !== undefined &&
      action.dueDate.slice(0, 10) < d &&
      (!isClosed(action.status) || (action.updatedAt !== undefined && action.updatedAt.slice(0, 10) > d));
    series.push({
      key: 'overdueActions',
      source: 'actions',
      values: new Map(days.map((d) => [d, (snapshot.actions ?? []).filter((action) => overdueOn(action, d)).length])),
    });
  }
  return series;
};

const periodOf = (request: RootCauseRequest, today: string) =>
  request.period ?? { from: daysBefore(today, DEFAULT_PERIOD_DAYS), to: today };

const precompute = (context: AnalysisContext<RootCauseRequest>): RootCauseFacts => {
  const { request, snapshot, history, entities, today } = context;
  const period = periodOf(request, today);
  const metric = resolveMetric(request.metric, history, entities);
  const inPeriod = history.filter((entry) => entry.date >= period.from && entry.date <= period.to);
  const targetSeries = seriesOf(inPeriod, metric);
  const targetByDay = new Map(targetSeries.map((point) => [point.date, point.value]));
  const historyKeys = new Set(inPeriod.flatMap((entry) => Object.keys(entry.values)));
  const others = [
    ...[...historyKeys]
      .filter((key) => key !== metric)
      .map((key) => ({
        key,
        source: 'history' as const,
        values: new Map(seriesOf(inPeriod, key).map((point) => [point.date, point.value])),
      })),
    ...recordSeries(snapshot, daysOf(period.from, period.to), historyKeys),
  ];
  // The p-values (999 shuffles each) only for the series kept: the strongest MAX_CHANGES correlations.
  const changes = others
    .flatMap(({ key, source, values }) => {
      const points = [...values].sort(([a], [b]) => (a < b ? -1 : 1));
      const paired = points.filter(([date]) => targetByDay.has(date));
      const first = points[0];
      const last = points.at(-1);
      if (!first || !last || paired.length < MIN_PAIRED_DAYS) return [];
      if (points.every(([, value]) => value === first[1])) return [];
      const xs = paired.map(([date]) => targetByDay.get(date) as number);
      const ys = paired.map(([, value]) => value);
      return [{ key, source, first: first[1], last: last[1], xs, ys, correlation: roundTo(pearson(xs, ys), 2) }];
    })
    .sort((a, b) => Math.abs(b.correlation) - Math.abs(a.correlation) || (a.key < b.key ? -1 : 1))
    .slice(0, MAX_CHANGES)
    .map(({ key, source, first, last, xs, ys, correlation }): PeriodChange => {
      const pValue = permutationPValue(xs, ys);
      return {
        series: key,
        label: seriesLabel(key, entities),
        from: roundTo(first),
        to: roundTo(last),
        change: roundTo(last - first),
        pairedDays: xs.length,
        correlation,
        ...(pValue !== undefined ? { pValue: roundTo(pValue, 3) } : {}),
        significant: pValue !== undefined && pValue <= SIGNIFICANCE_LEVEL,
        source,
      };
    });
  const first = targetSeries[0];
  const last = targetSeries.at(-1);
  const issuesOpened = (snapshot.issues ?? [])
    .filter((issue) => issue.createdAt && issue.createdAt.slice(0, 10) >= period.from)
    .filter((issue) => (issue.createdAt ?? '').slice(0, 10) <= period.to)
    .map((issue: Issue) => ({
      id: issue.id,
      title: issue.title,
      ...(issue.priority ? { priority: issue.priority } : {}),
      opened: (issue.createdAt ?? '').slice(0, 10),
      ...(issue.owner ? { owner: issue.owner } : {}),
    }));
  const actionsOverdue = (snapshot.actions ?? [])
    .filter((action) => action.dueDate && !isClosed(action.status))
    .filter((action) => {
      const due = (action.dueDate ?? '').slice(0, 10);
      return due >= period.from && due < period.to;
    })
    .map((action) => ({
      id: action.id,
      title: action.title,
      dueDate: (action.dueDate ?? '').slice(0, 10),
      ...(action.status ? { status: action.status } : {}),
      ...(action.assignee ? { assignee: action.assignee } : {}),
    }));
  return {
    metric,
    label: seriesLabel(metric, entities),
    period,
    ...(first && last
      ? {
          target: {
            from: roundTo(first.value),
            to: roundTo(last.value),
            change: roundTo(last.value - first.value),
            days: targetSeries.length,
          },
        }
      : {}),
    changes,
    significance:
      targetSeries.length >= MIN_POINTS_FOR_SIGNIFICANCE
        ? `p-values from a permutation test (999 shuffles); significant means p <= ${SIGNIFICANCE_LEVEL} over at least ${MIN_POINTS_FOR_SIGNIFICANCE} paired days.`
        : `The period has ${targetSeries.length} days of ${metric}; significance needs ${MIN_POINTS_FOR_SIGNIFICANCE} paired days, so none is claimed.`,
    issuesOpened,
    actionsOverdue,
    gaps: snapshot.gaps.map((gap) => gap.source),
  };
};

/** The names a series may be written by: its key, its label and its entity's name (a component, a goal's title). */
const namesOf = (series: string, entities: MetricEntities): string[] => {
  const [metric, id] = series.split('#', 2) as [string, string | undefined];
  const goal = metric === 'goalProgress' ? entities.goals.find((candidate) => candidate.id === id) : undefined;
  return [
    series,
    seriesLabel(series, entities),
    ...(metric === 'componentScore' && id ? [id] : []),
    ...(goal ? [goal.title] : []),
  ];
};

/** A series key in a text: a camelCase metric name (plain-word ones like `goals` only with `#<entity>`). */
const SERIES_TOKEN = new RegExp(
  `\\b(?:(?:${[...metricNames, 'issuesOpened'].join('|')})#[^\\s,;:)'"]+|(?:${[...metricNames, 'issuesOpened']
    .filter((name) => /[A-Z]/.test(name))
    .join('|')})\\b)`,
  'g',
);
const QUOTED = /(^|[\s(])(['"])[^'"]+\2(?=[\s,.;:)]|$)/g;
const DATES_AND_IDS = /\b\d{4}-\d{2}-\d{2}\b|\b[A-Za-z]+-\d+\b/g;
const NUMBER = /-?\d+(?:\.\d+)?/g;
const CLAIMS_SIGNIFICANCE = /\bsignifican/i;
const DENIES_SIGNIFICANCE = /\b(not|no|in)[\s-]*(statistically\s+)?significan|insignifican/i;

/** The numbers a fact states (and their sizes, as a text may say "fell 12" for a change of -12). */
const numbersOf = (change: PeriodChange): number[] => [
  change.from,
  change.to,
  change.change,
  Math.abs(change.change),
  change.correlation,
  Math.abs(change.correlation),
  change.pairedDays,
  ...(change.pValue !== undefined ? [change.pValue] : []),
];

/**
 * The series a text names (by key, label or entity name, the longest name first, so a component named inside a
 * goal's title is not counted), and the text left once those names are removed.
 */
const seriesNamedIn = (
  text: string,
  keys: readonly string[],
  entities: MetricEntities,
): { named: Set<string>; rest: string } => {
  const names = keys
    .flatMap((key) => namesOf(key, entities).map((name) => ({ key, name: name.toLowerCase() })))
    .sort((a, b) => b.name.length - a.name.length);
  const named = new Set<string>();
  let rest = text.toLowerCase();
  for (const { key, name } of names) {
    if (!rest.includes(name)) continue;
    named.add(key);
    rest = rest.split(name).join(' ');
  }
  return { named, rest };
};

/** Names what one evidence text cites that the facts do not have: other series, other numbers, significance. */
const evidenceInconsistencies = (
  evidence: string,
  facts: RootCauseFacts,
  context: AnalysisContext<RootCauseRequest>,
): Inconsistency[] => {
  const found: Inconsistency[] = [];
  const known = new Set([facts.metric, ...facts.changes.map((change) => change.series)]);
  const historyKeys = new Set(context.history.flatMap((entry) => Object.keys(entry.values)));
  const { named, rest } = seriesNamedIn(evidence, [...new Set([...known, ...historyKeys])], context.entities);
  const cited = facts.changes.filter((change) => named.has(change.series));
  const unknown = new Set([
    ...[...named].filter((key) => !known.has(key)),
    ...(evidence.match(SERIES_TOKEN) ?? []).filter((key) => !known.has(key)),
  ]);
  for (const series of unknown) {
    found.push({
      name: 'uncited_series',
      detail: `"${evidence}" names ${series}, which is not one of the pre-computed changes`,
    });
  }
  const target = facts.target
    ? [facts.target.from, facts.target.to, facts.target.change, Math.abs(facts.target.change), facts.target.days]
    : [];
  const general = [
    MIN_POINTS_FOR_SIGNIFICANCE,
    SIGNIFICANCE_LEVEL,
    daysBetween(facts.period.from, facts.period.to),
    facts.issuesOpened.length,
    facts.actionsOverdue.length,
    // Numbers in the records' own names (a '50-gallon' water heater, 'Call the 212 patients') are the data's too.
    ...[...facts.issuesOpened, ...facts.actionsOverdue, ...context.entities.goals]
      .flatMap((record) => record.title.match(NUMBER) ?? [])
      .map(Number),
  ];
  const pool = [...(cited.length > 0 ? cited : facts.changes).flatMap(numbersOf), ...target, ...general];
  const stripped = rest.replace(QUOTED, '$1').replace(DATES_AND_IDS, ' ');
  for (const quoted of stripped.match(NUMBER) ?? []) {
    if (!pool.some((actual) => matchesWithinRounding(Number(quoted), actual, quoted))) {
      found.push({
        name: 'number_not_in_facts',
        detail: `"${evidence}" quotes ${quoted}, which no pre-computed fact states`,
      });
    }
  }
  if (CLAIMS_SIGNIFICANCE.test(evidence) && !DENIES_SIGNIFICANCE.test(evidence) && !cited.some((c) => c.significant)) {
    found.push({
      name: 'significance_unsupported',
      detail: `"${evidence}" claims significance, but no change it cites is significant`,
    });
  }
  return found;
};

/** Names each way `correlatedChanges` differs from the pre-computed changes (added, left out, altered). */
const correlatedChangeInconsistencies = (
  given: readonly CorrelatedChange[],
  facts: RootCauseFacts,
): Inconsistency[] => {
  const bySeries = new Map(facts.changes.map((change) => [change.series, change]));
  const found: Inconsistency[] = given.flatMap((change): Inconsistency[] => {
    const fact = bySeries.get(change.series);
    if (!fact) return [{ name: 'invented_change', detail: `${change.series} is not one of the pre-computed changes` }];
    if (change.significant && !fact.significant) {
      return [
        { name: 'significance_unsupported', detail: `${change.series} is not significant in the pre-computation` },
      ];
    }
    const same =
      Math.abs(change.change - fact.change) <= 0.05 + 1e-9 &&
      Math.abs(change.correlation - fact.correlation) <= 0.005 + 1e-9 &&
      change.significant === fact.significant &&
      (change.pValue === undefined) === (fact.pValue === undefined) &&
      (fact.pValue === undefined || Math.abs((change.pValue ?? 0) - fact.pValue) <= 0.0005 + 1e-9);
    return same
      ? []
      : [
          {
            name: 'change_altered',
            detail: `${change.series}: the pre-computation has change ${fact.change}, correlation ${fact.correlation}${fact.pValue !== undefined ? `, p ${fact.pValue}` : ''}, significant ${fact.significant}`,
          },
        ];
  });
  const listed = new Set(given.map((change) => change.series));
  for (const fact of facts.changes) {
    if (!listed.has(fact.series)) {
      found.push({ name: 'change_missing', detail: `${fact.series} is a pre-computed change the result leaves out` });
    }
  }
  return found;
};

const rank = (confidence: Hypothesis['confidence']): number => confidences.indexOf(confidence);

const validate = (
  result: RootCauseResult,
  facts: RootCauseFacts,
  context: AnalysisContext<RootCauseRequest>,
): Inconsistency[] => [
  ...correlatedChangeInconsistencies(result.correlatedChanges, facts),
  ...result.hypotheses.flatMap((hypothesis) =>
    [...hypothesis.evidenceFor, ...hypothesis.evidenceAgainst].flatMap((evidence) =>
      evidenceInconsistencies(evidence, facts, context),
    ),
  ),
  ...result.hypotheses.slice(1).flatMap((hypothesis, i) => {
    const before = result.hypotheses[i] as Hypothesis;
    return rank(hypothesis.confidence) > rank(before.confidence)
      ? [
          {
            name: 'hypotheses_not_ranked',
            detail: `hypothesis ${i + 2} (${hypothesis.confidence}) is ranked below hypothesis ${i + 1} (${before.confidence})`,
          },
        ]
      : [];
  }),
];

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));
const moved = (change: number): string => (change > 0 ? 'rose' : change < 0 ? 'fell' : 'held');

/** A hypothesis that a series which moved with the metric drove it, with the numbers for and against. */
const changeHypothesis = (change: PeriodChange, facts: RootCauseFacts): Hypothesis => {
  const strong = Math.abs(change.correlation) >= 0.7;
  const confidence = change.significant && strong ? 'high' : change.significant || strong ? 'medium' : 'low';
  const against = change.significant
    ? [`Correlation is not causation: the ${change.label} and the ${facts.label} may both follow a third cause`]
    : change.pValue !== undefined
      ? [`Not significant: the permutation p-value of ${change.pValue} is above ${SIGNIFICANCE_LEVEL}`]
      : [
          `Only ${change.pairedDays} paired days, fewer than ${MIN_POINTS_FOR_SIGNIFICANCE}: no significance is claimed`,
        ];
  if (change.correlation < 0 && !LOWER_IS_BETTER.has(change.series.split('#', 1)[0] ?? '')) {
    against.push(
      `The ${change.label} moved the opposite way to the ${facts.label}, so it explains the move at most as a trade-off`,
    );
  }
  return {
    cause: `The ${change.label} ${moved(change.change)} in the same days as the ${facts.label} ${moved(facts.target?.change ?? 0)} (offline: from the pre-computed correlations)`,
    evidenceFor: [
      `The ${change.label} changed by ${signed(change.change)} (from ${change.from} to ${change.to}) over the period`,
      `Pearson correlation with the ${facts.label}: ${change.correlation} over ${change.pairedDays} paired days${change.pValue !== undefined ? `, permutation p-value ${change.pValue}` : ''}`,
    ],
    evidenceAgainst: against,
    confidence,
    check: `Look at the days the ${change.label} moved most between ${facts.period.from} and ${facts.period.to} and ask its owner what changed then`,
  };
};

/** Counts where more is worse: a rise of one goes with a fall of a score (a negative correlation is expected). */
const LOWER_IS_BETTER = new Set([
  'atRisk',
  'behindSchedule',
  'openIssues',
  'criticalIssues',
  'overdueActions',
  'issuesOpened',
]);
/** The weakest correlation an offline hypothesis rests on. */
const MIN_OFFLINE_CORRELATION = 0.3;
/** Which moved series an offline answer names first: scores and KPIs, then counts, then goals' progress. */
const causeRank = (series: string): number => {
  const metric = series.split('#', 1)[0] ?? '';
  return metric === 'goalProgress' ? 2 : LOWER_IS_BETTER.has(metric) || metric === 'completionRate' ? 1 : 0;
};

const priorityRank = (priority: string | undefined): number =>
  ['low', 'medium', 'high', 'critical'].indexOf(priority ?? 'low');

const offline = (_context: AnalysisContext<RootCauseRequest>, facts: RootCauseFacts): RootCauseResult => {
  const correlatedChanges = facts.changes.map(({ series, change, correlation, pValue, significant }) => ({
    series,
    change,
    correlation,
    ...(pValue !== undefined ? { pValue } : {}),
    significant,
  }));
  if (!facts.target) {
    return {
      hypotheses: [
        {
          cause: `The history has no values of ${facts.metric} in the period, so no change could be traced (offline)`,
          evidenceFor: [`No day between ${facts.period.from} and ${facts.period.to} records ${facts.metric}`],
          evidenceAgainst: ['Without the series nothing can be ruled in or out'],
          confidence: 'low',
          check: `Ask for a metric the history records, e.g. overallScore or componentScore#<component name>`,
        },
      ],
      correlatedChanges,
    };
  }
  const fromChanges = facts.changes
    .filter((change) => Math.abs(change.correlation) >= MIN_OFFLINE_CORRELATION && change.source === 'history')
    .map((change, order) => ({ change, order }))
    .sort((a, b) => causeRank(a.change.series) - causeRank(b.change.series) || a.order - b.order)
    .map(({ change }) => change)
    .slice(0, 3)
    .map((change) => changeHypothesis(change, facts));
  const records: Hypothesis[] = [];
  const [issue] = [...facts.issuesOpened].sort(
    (a, b) => priorityRank(b.priority) - priorityRank(a.priority) || (a.opened < b.opened ? -1 : 1),
  );
  const issueSeries = facts.changes.find((change) => change.series === 'issuesOpened');
  if (issue) {
    const hypothesis = issueSeries ? changeHypothesis(issueSeries, facts) : undefined;
    records.push({
      cause: `New issues in the period, led by '${issue.title}'${issue.priority ? ` (${issue.priority})` : ''}`,
      evidenceFor: [
        `${count(facts.issuesOpened.length, 'issue')} opened in the period, '${issue.title}' on ${issue.opened}`,
        ...(hypothesis ? hypothesis.evidenceFor.slice(1) : []),
      ],
      evidenceAgainst: [
        ...(hypothesis ? hypothesis.evidenceAgainst : []),
        `An issue's effect on the ${facts.label} is not measured directly`,
      ],
      confidence: hypothesis?.confidence === 'high' ? 'medium' : 'low',
      check: `Ask ${issue.owner ?? 'the owner of the issue'} whether '${issue.title}' cost work that the ${facts.label} counts`,
    });
  }
  const [late] = facts.actionsOverdue;
  if (late) {
    records.push({
      cause: `Planned actions fell behind in the period, e.g. '${late.title}'`,
      evidenceFor: [
        `${count(facts.actionsOverdue.length, 'action')} came due in the period and ${facts.actionsOverdue.length === 1 ? 'is' : 'are'} not done, '${late.title}' on ${late.dueDate}`,
      ],
      evidenceAgainst: [
        `Overdue actions may be a symptom of the same cause as the ${facts.label}'s move, not its cause`,
      ],
      confidence: 'low',
      check: `Ask ${late.assignee ?? 'the assignee'} what blocks '${late.title}' and whether the work it stands for stopped`,
    });
  }
  const hypotheses = [...fromChanges, ...records]
    .map((hypothesis) => ({
      ...hypothesis,
      cause: clip(hypothesis.cause),
      evidenceFor: hypothesis.evidenceFor.map((evidence) => clip(evidence)),
      evidenceAgainst: hypothesis.evidenceAgainst.map((evidence) => clip(evidence)),
      check: clip(hypothesis.check),
    }))
    .map((hypothesis, order) => ({ hypothesis, order }))
    .sort((a, b) => rank(b.hypothesis.confidence) - rank(a.hypothesis.confidence) || a.order - b.order)
    .map(({ hypothesis }) => hypothesis)
    .slice(0, 5);
  return {
    hypotheses:
      hypotheses.length > 0
        ? hypotheses
        : [
            {
              cause: `Nothing in the tenant's data moved with the ${facts.label} in the period (offline)`,
              evidenceFor: [`No series correlates with the ${facts.label} over the period`],
              evidenceAgainst: ['The cause may lie outside the data this service reads'],
              confidence: 'low',
              check: `Ask the team what changed between ${facts.period.from} and ${facts.period.to}`,
            },
          ],
    correlatedChanges,
  };
};

/**
 * Root cause: why a metric moved, as ranked hypotheses resting only on the pre-computed changes of the period (each
 * other series' change and correlation with it, significance only with enough days) and the issues and late actions
 * of the period.
 */
export const rootCauseAnalysis: AnalysisDefinition<RootCauseRequest, RootCauseFacts, RootCauseResult> = {
  type: 'root-cause',
  summary: "Ranks the likely causes of a metric's move from the changes that moved with it, with evidence and checks.",
  promptTopic: 'analysis_root_cause',
  requestSchema,
  resultSchema,
  recipe: { sources: ['goals', 'performance', 'goalStats', 'actions', 'issues'], historyDays: 120 },
  model: 'standard',
  precompute,
  validate,
  offline,
};
