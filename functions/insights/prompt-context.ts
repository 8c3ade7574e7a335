import { DEFAULT_TIME_ZONE, localDay } from '../shared/calendar';
import type {
  Action,
  BusinessSnapshot,
  Foundation,
  Goal,
  GoalStats,
  Issue,
  Performance,
  SourceName,
} from '../shared/business-api/model';
import { factMetrics } from './families/family';
import type { Signal } from './model';
import type { Dismissal } from './store';

/** The `insights_generation` template variables, rendered compactly (one line per record, no JSON noise). */
export type InsightPromptValues = Readonly<
  Record<
    | 'today'
    | 'business_profile'
    | 'goals'
    | 'goal_stats'
    | 'performance'
    | 'actions'
    | 'issues'
    | 'signals'
    | 'data_gaps'
    | 'dismissed_topics',
    string
  >
>;

/** At most this many actions and issues go into the prompt; the rest are counted, not listed. */
const MAX_LISTED = 25;
const NONE = 'none';
/** What the insights prompt says for a source that could not be read; its DATA GAPS section says why. */
const UNAVAILABLE_SEE_GAPS = '(not available, see DATA GAPS)';

const line = (...parts: ReadonlyArray<string | number | undefined | false>): string =>
  parts.filter((part) => part !== undefined && part !== false && part !== '').join(' · ');

const day = (iso: string | undefined): string | undefined => iso?.slice(0, 10);

/**
 * One source of a snapshot, rendered: `unavailable` when the source is listed in the snapshot's gaps, "none" when
 * it is absent or renders to nothing, else what `render` makes of it.
 */
export const renderSource = <T>(
  snapshot: BusinessSnapshot,
  source: SourceName,
  value: T | undefined,
  render: (value: T) => string,
  unavailable: string = UNAVAILABLE_SEE_GAPS,
): string => {
  if (snapshot.gaps.some((gap) => gap.source === source)) return unavailable;
  if (value === undefined) return NONE;
  const rendered = render(value);
  return rendered === '' ? NONE : rendered;
};

/** How a prompt lists records: which ids and titles come first (those the signals name) and how an id is written. */
export interface RecordRefs {
  /** Ids and titles the signals name: listed even when there are more records than the prompt lists. */
  readonly referenced: ReadonlySet<string>;
  /** The short handle the prompt writes for a record's id. */
  readonly handle: (id: string) => string;
}

/** Real ids, nothing put first. */
const plainRefs: RecordRefs = { referenced: new Set(), handle: (id) => id };

/**
 * Short handles for a snapshot's record ids (`G1` for its first goal, `A1`, `I1` for actions and issues): ids
 * are often UUIDs, which cost a model a dozen tokens each time. `keyFromPrompt` maps a signal key the model
 * writes back to the real one.
 */
export interface PromptHandles {
  readonly of: (id: string) => string;
  readonly keyFromPrompt: (key: string) => string;
}

/** The handles of a snapshot's goals, actions and issues, numbered in the snapshot's order. */
export const promptHandles = (snapshot: BusinessSnapshot): PromptHandles => {
  const toHandle = new Map<string, string>();
  const numbered = (records: readonly { readonly id: string }[] | undefined, letter: string): void =>
    (records ?? []).forEach((record, i) => {
      if (!toHandle.has(record.id)) toHandle.set(record.id, `${letter}${i + 1}`);
    });
  numbered(snapshot.goals, 'G');
  numbered(snapshot.actions, 'A');
  numbered(snapshot.issues, 'I');
  const toId = new Map([...toHandle].map(([id, handle]) => [handle, id]));
  return {
    of: (id) => toHandle.get(id) ?? id,
    keyFromPrompt: (key) => {
      const colon = key.indexOf(':');
      if (colon < 0) return key;
      const id = toId.get(key.slice(colon + 1));
      return id === undefined ? key : `${key.slice(0, colon)}:${id}`;
    },
  };
};

/** The records the signals name first (in their order), then the rest: so every record a signal cites is listed. */
const referencedFirst = <T extends { readonly id: string; readonly title: string }>(
  items: readonly T[],
  { referenced }: RecordRefs,
): T[] => {
  const isReferenced = (item: T): boolean => referenced.has(item.id) || referenced.has(item.title);
  return [...items.filter(isReferenced), ...items.filter((item) => !isReferenced(item))];
};

const listed = <T>(items: readonly T[], render: (item: T) => string, noun: string): string => {
  const shown = items.slice(0, MAX_LISTED).map((item) => `- ${render(item)}`);
  const rest = items.length - shown.length;
  return [...shown, ...(rest > 0 ? [`(${rest} more ${noun} not listed)`] : [])].join('\n');
};

const isOpen = (status: string | undefined): boolean => status !== 'done' && status !== 'cancelled';
const isOpenIssue = (status: string | undefined): boolean => status !== 'resolved' && status !== 'closed';

/** The company profile: name, industry, age and size on one line, then niche, vision, purpose, mission, core values. */
export const renderFoundation = (f: Foundation): string =>
  [
    line(
      f.businessName && `Name: ${f.businessName}`,
      f.industry && `Industry: ${f.industry}`,
      f.yearFounded && `Founded ${f.yearFounded}`,
      f.employeeCount !== undefined && `${f.employeeCount} employees`,
    ),
    f.niche && `Niche: ${f.niche}`,
    f.vision && `Vision: ${f.vision}`,
    f.purpose && `Purpose: ${f.purpose}`,
    f.mission && `Mission: ${f.mission}`,
    f.coreValues?.length &&
      `Core values: ${f.coreValues.map((v) => (v.description ? `${v.name} (${v.description})` : v.name)).join('; ')}`,
  ]
    .filter(Boolean)
    .join('\n');

/**
 * One line per goal (id, title, status, progress, due date, owner, category), at most 25 listed, those the
 * signals name first.
 */
export const renderGoals = (goals: readonly Goal[], refs: RecordRefs = plainRefs): string =>
  listed(
    referencedFirst(goals, refs),
    (g) =>
      line(
        `[${refs.handle(g.id)}] ${g.title}`,
        g.status?.replace('_', ' '),
        g.progress !== undefined && `${g.progress}% progress`,
        g.targetDate && `due ${day(g.targetDate)}`,
        g.owner && `owner ${g.owner}`,
        g.category,
      ),
    'goals',
  );

/** The goal statistics on one line. */
export const renderGoalStats = (s: GoalStats): string =>
  line(
    s.totalGoals !== undefined && `${s.totalGoals} goals`,
    s.completed !== undefined && `${s.completed} completed`,
    s.onTrack !== undefined && `${s.onTrack} on track`,
    s.atRisk !== undefined && `${s.atRisk} at risk`,
    s.behind !== undefined && `${s.behind} behind`,
    s.notStarted !== undefined && `${s.notStarted} not started`,
    s.completionRate !== undefined && `completion rate ${s.completionRate}%`,
    s.averageProgress !== undefined && `average progress ${s.averageProgress}%`,
  );

/** The overall performance score with trend and period, then one line per component with its target. */
export const renderPerformance = (p: Performance): string =>
  [
    line(
      p.overallScore !== undefined && `Overall ${p.overallScore}/100`,
      p.trend && `trend ${p.trend}`,
      p.periodStart && p.periodEnd && `period ${day(p.periodStart)} to ${day(p.periodEnd)}`,
    ),
    ...(p.components ?? []).map(
      (c) => `- ${line(`${c.name} ${c.score}`, c.target !== undefined && `target ${c.target}`)}`,
    ),
  ].join('\n');

/** The action counts, then the open actions by due date (those the signals name first), at most 25 listed. */
export const renderActions = (actions: readonly Action[], refs: RecordRefs = plainRefs): string => {
  const open = actions.filter((a) => isOpen(a.status));
  const header = `${actions.length} actions, ${open.length} not done`;
  const byDue = [...open].sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
  return [
    header,
    listed(
      referencedFirst(byDue, refs),
      (a) =>
        line(
          `[${refs.handle(a.id)}] ${a.title}`,
          a.status?.replace('_', ' '),
          a.dueDate && `due ${day(a.dueDate)}`,
          a.assignee,
          a.goalId && `goal ${refs.handle(a.goalId)}`,
          a.updatedAt && `updated ${day(a.updatedAt)}`,
        ),
      'open actions',
    ),
  ]
    .filter(Boolean)
    .join('\n');
};

/** The issue counts, then the open issues (those the signals name first), one line each, at most 25 listed. */
export const renderIssues = (issues: readonly Issue[], refs: RecordRefs = plainRefs): string => {
  const open = issues.filter((i) => isOpenIssue(i.status));
  return [
    `${issues.length} issues, ${open.length} open`,
    listed(
      referencedFirst(open, refs),
      (i) =>
        line(
          `[${refs.handle(i.id)}] ${i.title}`,
          i.priority && `${i.priority} priority`,
          i.owner,
          i.goalId && `goal ${refs.handle(i.goalId)}`,
          i.createdAt && `opened ${day(i.createdAt)}`,
        ),
      'open issues',
    ),
  ]
    .filter(Boolean)
    .join('\n');
};

/**
 * Facts a signal line leaves out because the DATA sections already state them on the line of the record its key
 * names (titles, statuses, progress, dates, owners, scores and targets).
 */
const restatedFacts: ReadonlySet<string> = new Set([
  factMetrics.goal,
  factMetrics.goalId,
  factMetrics.goalStatus,
  factMetrics.progress,
  factMetrics.targetDate,
  factMetrics.owner,
  factMetrics.issue,
  factMetrics.issuePriority,
  factMetrics.issueStatus,
  factMetrics.openedOn,
  factMetrics.linkedGoal,
  factMetrics.component,
  factMetrics.componentScore,
  factMetrics.componentTarget,
  factMetrics.overallScore,
  factMetrics.trend,
  factMetrics.completionRate,
  factMetrics.completedGoals,
  factMetrics.totalGoals,
  factMetrics.vision,
  factMetrics.purpose,
]);

/** The ids and titles the signals name: their keys' entity ids and their text facts. */
const referencedBy = (signals: readonly Signal[]): ReadonlySet<string> =>
  new Set(
    signals.flatMap((s) => [
      ...(s.key.includes(':') ? [s.key.slice(s.key.indexOf(':') + 1)] : []),
      ...s.facts.flatMap((f) => (typeof f.value === 'string' ? [f.value] : [])),
    ]),
  );

/**
 * One signal as the prompt states it: `key (priority, category): metric value; ...` with only the facts the DATA
 * does not already state, and records by their handles (the key's suffix names the goal, issue or component).
 */
const renderSignal = (signal: Signal, handles: PromptHandles, actionIds: ReadonlyMap<string, string>): string => {
  const values = new Map<string, string[]>();
  for (const f of signal.facts) {
    if (restatedFacts.has(f.metric)) continue;
    const actionId = f.metric === factMetrics.action ? actionIds.get(String(f.value)) : undefined;
    const value = actionId === undefined ? String(f.value) : handles.of(actionId);
    values.set(f.metric, [...(values.get(f.metric) ?? []), value]);
  }
  const facts = [...values].map(([metric, all]) => `${metric} ${all.join(', ')}`).join('; ');
  const colon = signal.key.indexOf(':');
  const key = colon < 0 ? signal.key : `${signal.key.slice(0, colon)}:${handles.of(signal.key.slice(colon + 1))}`;
  return `- ${key} (${signal.priority}, ${signal.category})${facts ? `: ${facts}` : ''}`;
};

/**
 * Builds the template values for one tenant's snapshot, signals and active dismissals. Records are written by
 * their handles (`promptHandles`); map the signal keys of the model's answer back with `keyFromPrompt`.
 */
export const insightPromptValues = (
  snapshot: BusinessSnapshot,
  signals: readonly Signal[],
  dismissals: readonly Dismissal[],
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): InsightPromptValues => {
  const handles = promptHandles(snapshot);
  const refs: RecordRefs = { referenced: referencedBy(signals), handle: handles.of };
  const actionIds = new Map((snapshot.actions ?? []).map((a) => [a.title, a.id]));
  return {
    today: localDay(now, timeZone),
    business_profile: renderSource(snapshot, 'foundation', snapshot.foundation, renderFoundation),
    goals: renderSource(snapshot, 'goals', snapshot.goals, (goals) => renderGoals(goals, refs)),
    goal_stats: renderSource(snapshot, 'goalStats', snapshot.goalStats, renderGoalStats),
    performance: renderSource(snapshot, 'performance', snapshot.performance, renderPerformance),
    actions: renderSource(snapshot, 'actions', snapshot.actions, (actions) => renderActions(actions, refs)),
    issues: renderSource(snapshot, 'issues', snapshot.issues, (issues) => renderIssues(issues, refs)),
    signals: signals.length === 0 ? NONE : signals.map((s) => renderSignal(s, handles, actionIds)).join('\n'),
    data_gaps:
      snapshot.gaps.length === 0
        ? NONE
        : snapshot.gaps.map((gap) => `- ${gap.source}: unavailable (${gap.reason.replace('_', ' ')})`).join('\n'),
    dismissed_topics: dismissals.length === 0 ? NONE : dismissals.map((d) => `- ${d.title}`).join('\n'),
  };
};
