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

/** One line per goal (id, title, status, progress, due date, owner, category), at most 25 listed. */
export const renderGoals = (goals: readonly Goal[]): string =>
  listed(
    goals,
    (g) =>
      line(
        `[${g.id}] ${g.title}`,
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

/** The action counts, then the open actions by due date, one line each, at most 25 listed. */
export const renderActions = (actions: readonly Action[]): string => {
  const open = actions.filter((a) => isOpen(a.status));
  const header = `${actions.length} actions, ${open.length} not done`;
  const byDue = [...open].sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
  return [
    header,
    listed(
      byDue,
      (a) =>
        line(
          `[${a.id}] ${a.title}`,
          a.status?.replace('_', ' '),
          a.dueDate && `due ${day(a.dueDate)}`,
          a.assignee,
          a.goalId && `goal ${a.goalId}`,
          a.updatedAt && `updated ${day(a.updatedAt)}`,
        ),
      'open actions',
    ),
  ]
    .filter(Boolean)
    .join('\n');
};

/** The issue counts, then the open issues, one line each, at most 25 listed. */
export const renderIssues = (issues: readonly Issue[]): string => {
  const open = issues.filter((i) => isOpenIssue(i.status));
  return [
    `${issues.length} issues, ${open.length} open`,
    listed(
      open,
      (i) =>
        line(
          `[${i.id}] ${i.title}`,
          i.priority && `${i.priority} priority`,
          i.owner,
          i.goalId && `goal ${i.goalId}`,
          i.createdAt && `opened ${day(i.createdAt)}`,
        ),
      'open issues',
    ),
  ]
    .filter(Boolean)
    .join('\n');
};

/** Builds the template values for one tenant's snapshot, signals and active dismissals. */
export const insightPromptValues = (
  snapshot: BusinessSnapshot,
  signals: readonly Signal[],
  dismissals: readonly Dismissal[],
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): InsightPromptValues => ({
  today: localDay(now, timeZone),
  business_profile: renderSource(snapshot, 'foundation', snapshot.foundation, renderFoundation),
  goals: renderSource(snapshot, 'goals', snapshot.goals, renderGoals),
  goal_stats: renderSource(snapshot, 'goalStats', snapshot.goalStats, renderGoalStats),
  performance: renderSource(snapshot, 'performance', snapshot.performance, renderPerformance),
  actions: renderSource(snapshot, 'actions', snapshot.actions, renderActions),
  issues: renderSource(snapshot, 'issues', snapshot.issues, renderIssues),
  signals:
    signals.length === 0
      ? NONE
      : signals.map((s) => `- ${s.key} (${s.priority}, ${s.category}): ${s.summary}`).join('\n'),
  data_gaps:
    snapshot.gaps.length === 0
      ? NONE
      : snapshot.gaps.map((gap) => `- ${gap.source}: unavailable (${gap.reason.replace('_', ' ')})`).join('\n'),
  dismissed_topics: dismissals.length === 0 ? NONE : dismissals.map((d) => `- ${d.title}`).join('\n'),
});
