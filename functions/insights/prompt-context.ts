import type { BusinessSnapshot, SourceName } from '../shared/business-api/model';
import type { Signal } from './model';
import type { Dismissal } from './store';

/** The `insights_generation` template variables, rendered compactly (one line per record, no JSON noise). */
export type InsightPromptValues = Readonly<Record<
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
>>;

/** At most this many actions and issues go into the prompt; the rest are counted, not listed. */
const MAX_LISTED = 25;
const NONE = 'none';

const line = (...parts: ReadonlyArray<string | number | undefined | false>): string =>
  parts.filter((part) => part !== undefined && part !== false && part !== '').join(' · ');

const day = (iso: string | undefined): string | undefined => iso?.slice(0, 10);

const section = <T>(
  snapshot: BusinessSnapshot,
  source: SourceName,
  value: T | undefined,
  render: (value: T) => string,
): string => {
  if (snapshot.gaps.some((gap) => gap.source === source)) return '(not available, see DATA GAPS)';
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

/** Builds the template values for one tenant's snapshot, signals and active dismissals. */
export const insightPromptValues = (
  snapshot: BusinessSnapshot,
  signals: readonly Signal[],
  dismissals: readonly Dismissal[],
  now: Date,
): InsightPromptValues => ({
  today: now.toISOString().slice(0, 10),
  business_profile: section(snapshot, 'foundation', snapshot.foundation, (f) =>
    [
      line(f.businessName && `Name: ${f.businessName}`, f.industry && `Industry: ${f.industry}`,
        f.yearFounded && `Founded ${f.yearFounded}`, f.employeeCount !== undefined && `${f.employeeCount} employees`),
      f.niche && `Niche: ${f.niche}`,
      f.vision && `Vision: ${f.vision}`,
      f.purpose && `Purpose: ${f.purpose}`,
      f.mission && `Mission: ${f.mission}`,
      f.coreValues?.length &&
        `Core values: ${f.coreValues.map((v) => (v.description ? `${v.name} (${v.description})` : v.name)).join('; ')}`,
    ].filter(Boolean).join('\n'),
  ),
  goals: section(snapshot, 'goals', snapshot.goals, (goals) =>
    listed(goals, (g) => line(`[${g.id}] ${g.title}`, g.status?.replace('_', ' '),
      g.progress !== undefined && `${g.progress}% progress`, g.targetDate && `due ${day(g.targetDate)}`,
      g.owner && `owner ${g.owner}`, g.category), 'goals'),
  ),
  goal_stats: section(snapshot, 'goalStats', snapshot.goalStats, (s) =>
    line(s.totalGoals !== undefined && `${s.totalGoals} goals`, s.completed !== undefined && `${s.completed} completed`,
      s.onTrack !== undefined && `${s.onTrack} on track`, s.atRisk !== undefined && `${s.atRisk} at risk`,
      s.behind !== undefined && `${s.behind} behind`, s.notStarted !== undefined && `${s.notStarted} not started`,
      s.completionRate !== undefined && `completion rate ${s.completionRate}%`,
      s.averageProgress !== undefined && `average progress ${s.averageProgress}%`),
  ),
  performance: section(snapshot, 'performance', snapshot.performance, (p) =>
    [
      line(p.overallScore !== undefined && `Overall ${p.overallScore}/100`, p.trend && `trend ${p.trend}`,
        p.periodStart && p.periodEnd && `period ${day(p.periodStart)} to ${day(p.periodEnd)}`),
      ...(p.components ?? []).map((c) => `- ${line(`${c.name} ${c.score}`, c.target !== undefined && `target ${c.target}`)}`),
    ].join('\n'),
  ),
  actions: section(snapshot, 'actions', snapshot.actions, (actions) => {
    const open = actions.filter((a) => isOpen(a.status));
    const header = `${actions.length} actions, ${open.length} not done`;
    const byDue = [...open].sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
    return [header, listed(byDue, (a) => line(`[${a.id}] ${a.title}`, a.status?.replace('_', ' '),
      a.dueDate && `due ${day(a.dueDate)}`, a.assignee, a.goalId && `goal ${a.goalId}`,
      a.updatedAt && `updated ${day(a.updatedAt)}`), 'open actions')].filter(Boolean).join('\n');
  }),
  issues: section(snapshot, 'issues', snapshot.issues, (issues) => {
    const open = issues.filter((i) => isOpenIssue(i.status));
    return [`${issues.length} issues, ${open.length} open`, listed(open, (i) => line(`[${i.id}] ${i.title}`,
      i.priority && `${i.priority} priority`, i.owner, i.goalId && `goal ${i.goalId}`,
      i.createdAt && `opened ${day(i.createdAt)}`), 'open issues')].filter(Boolean).join('\n');
  }),
  signals: signals.length === 0 ? NONE
    : signals.map((s) => `- ${s.key} (${s.priority}, ${s.category}): ${s.summary}`).join('\n'),
  data_gaps: snapshot.gaps.length === 0 ? NONE
    : snapshot.gaps.map((gap) => `- ${gap.source}: unavailable (${gap.reason.replace('_', ' ')})`).join('\n'),
  dismissed_topics: dismissals.length === 0 ? NONE : dismissals.map((d) => `- ${d.title}`).join('\n'),
});
