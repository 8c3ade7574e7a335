import type { Goal } from '../../shared/business-api/model';
import { isOverdue } from '../../shared/calendar';
import { localTime } from '../local-time';
import type { NudgeSettings } from '../model';
import { leads, openDeals, openTasks, type EntityState } from '../projection';
import { DAY_MS, dollars, plural, wholeDays, type NudgeCandidate } from './candidate';

/** Overdue open tasks it takes to call them piling up. */
export const OVERDUE_PILE = 3;
/** The morning briefing is raised from this local hour until noon. */
export const BRIEFING_FROM_HOUR = 6;
const BRIEFING_UNTIL_HOUR = 12;

type TimeSettings = Pick<NudgeSettings, 'staleLeadDays' | 'stuckDealDays' | 'morningBriefing' | 'timeZone'>;

/** Leads not contacted for more than `staleLeadDays` (exactly that many days is not yet stale). */
export const staleLeads = (state: EntityState, now: Date, settings: TimeSettings): NudgeCandidate[] =>
  leads(state)
    .filter((lead) => now.getTime() - Date.parse(lead.lastTouchAt) > settings.staleLeadDays * DAY_MS)
    .map((lead) => {
      const days = wholeDays(lead.lastTouchAt, now);
      return {
        type: 'time',
        rule: 'stale_lead',
        entityType: 'contact',
        entityId: lead.id,
        message:
          `${lead.name ?? 'A lead'} (from ${lead.source}) has not heard from you for ${plural(days, 'day')}, past your ` +
          `${plural(settings.staleLeadDays, 'day')} limit: follow up today.`,
        priority: 'medium',
        suggestedAction: 'create_task',
        actionParams: { title: `Follow up with ${lead.name ?? 'lead'}`, dueInDays: 0, relatedEntityId: lead.id },
        evidence: [
          { metric: 'days since last contact', value: days },
          { metric: 'stale lead days', value: settings.staleLeadDays },
        ],
        ttlHours: 24,
        cooldownHours: 72,
      } satisfies NudgeCandidate;
    });

/** Open deals in one stage for more than `stuckDealDays`. */
export const stuckDeals = (state: EntityState, now: Date, settings: TimeSettings): NudgeCandidate[] =>
  openDeals(state)
    .filter((deal) => now.getTime() - Date.parse(deal.stageSince) > settings.stuckDealDays * DAY_MS)
    .map((deal) => {
      const days = wholeDays(deal.stageSince, now);
      return {
        type: 'time',
        rule: 'stuck_deal',
        entityType: 'deal',
        entityId: deal.id,
        message:
          `${deal.name ?? 'A deal'} (${dollars(deal.value)}) has sat in ${deal.stage} for ${plural(days, 'day')}, ` +
          `past your ${plural(settings.stuckDealDays, 'day')} limit: book the next step or close it out.`,
        priority: days > 2 * settings.stuckDealDays ? 'high' : 'medium',
        suggestedAction: 'open_deal',
        actionParams: { dealId: deal.id },
        evidence: [
          { metric: 'days in stage', value: days },
          { metric: 'deal value', value: deal.value },
          { metric: 'stuck deal days', value: settings.stuckDealDays },
        ],
        ttlHours: 24,
        cooldownHours: 72,
      } satisfies NudgeCandidate;
    });

/** Open tasks whose due date is before today in the user's zone. */
const overdue = (state: EntityState, now: Date, timeZone: string) =>
  openTasks(state).filter((task) => task.dueDate !== undefined && isOverdue(task.dueDate, now, timeZone));

/** OVERDUE_PILE or more overdue tasks: one nudge for the pile. */
export const overdueTasks = (state: EntityState, now: Date, settings: TimeSettings): NudgeCandidate[] => {
  const late = overdue(state, now, settings.timeZone).sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? ''));
  const [oldest] = late;
  if (late.length < OVERDUE_PILE || !oldest?.dueDate) return [];
  return [
    {
      type: 'time',
      rule: 'overdue_tasks',
      entityType: 'task',
      entityId: 'overdue',
      message:
        `${late.length} tasks are overdue, the oldest since ${oldest.dueDate}: finish one today and reschedule ` +
        'or drop the rest.',
      priority: 'high',
      suggestedAction: 'review_tasks',
      actionParams: { filter: 'overdue' },
      evidence: [
        { metric: 'overdue tasks', value: late.length },
        { metric: 'oldest due date', value: oldest.dueDate },
      ],
      ttlHours: 24,
      cooldownHours: 24,
    },
  ];
};

const BEHIND = new Set(['behind', 'at_risk']);

/** Goals from the Traction API that are behind, or past their target date and not completed. */
export const goalsBehind = (goals: readonly Goal[], now: Date, settings: TimeSettings): NudgeCandidate[] => {
  const today = localTime(now, settings.timeZone).date;
  return goals
    .filter((goal) => goal.status !== 'completed')
    .filter(
      (goal) =>
        BEHIND.has(goal.status ?? '') || (goal.targetDate !== undefined && goal.targetDate.slice(0, 10) < today),
    )
    .map((goal) => {
      const pastTarget = goal.targetDate !== undefined && goal.targetDate.slice(0, 10) < today;
      return {
        type: 'time',
        rule: 'goal_behind',
        entityType: 'goal',
        entityId: goal.id,
        message:
          `"${goal.title}" is ${pastTarget ? 'past its target date' : 'behind schedule'}` +
          (goal.progress !== undefined ? ` at ${goal.progress}% done` : '') +
          (goal.targetDate ? ` (target ${goal.targetDate.slice(0, 10)})` : '') +
          ': pick the one action that moves it most this week.',
        priority: 'high',
        suggestedAction: 'review_goal',
        actionParams: { goalId: goal.id },
        evidence: [
          ...(goal.progress !== undefined ? [{ metric: 'progress percent', value: goal.progress }] : []),
          ...(goal.targetDate ? [{ metric: 'target date', value: goal.targetDate.slice(0, 10) }] : []),
          { metric: 'status', value: goal.status ?? 'unknown' },
        ],
        ttlHours: 24,
        cooldownHours: 24 * 7,
      } satisfies NudgeCandidate;
    });
};

/**
 * Once per local day, between BRIEFING_FROM_HOUR and noon in the user's zone: the high-priority tasks due today,
 * the overdue tasks and the leads past their follow-up. Nothing to say, no briefing.
 */
export const morningBriefing = (state: EntityState, now: Date, settings: TimeSettings): NudgeCandidate[] => {
  const local = localTime(now, settings.timeZone);
  if (!settings.morningBriefing || local.hour < BRIEFING_FROM_HOUR || local.hour >= BRIEFING_UNTIL_HOUR) return [];
  const dueToday = openTasks(state).filter(
    (task) => task.dueDate === local.date && (task.priority === 'high' || task.priority === 'critical'),
  ).length;
  const late = overdue(state, now, settings.timeZone).length;
  const followUps = staleLeads(state, now, settings).length;
  const parts = [
    ...(dueToday > 0 ? [`${plural(dueToday, 'high-priority task')} today`] : []),
    ...(late > 0 ? [`${plural(late, 'task')} overdue`] : []),
    ...(followUps > 0 ? [`${plural(followUps, 'follow-up')} overdue`] : []),
  ];
  if (parts.length === 0) return [];
  return [
    {
      type: 'time',
      rule: 'morning_briefing',
      entityType: 'day',
      entityId: local.date,
      message: `Good morning! ${parts.join(', ')}.`,
      priority: 'medium',
      suggestedAction: 'open_today',
      evidence: [
        { metric: 'high-priority tasks due today', value: dueToday },
        { metric: 'overdue tasks', value: late },
        { metric: 'overdue follow-ups', value: followUps },
      ],
      ttlHours: BRIEFING_UNTIL_HOUR - local.hour,
      cooldownHours: 24,
    },
  ];
};

/** Every time trigger, on the projected state and the tenant's goals. */
export const timeCandidates = (
  state: EntityState,
  goals: readonly Goal[],
  now: Date,
  settings: TimeSettings,
): NudgeCandidate[] => [
  ...morningBriefing(state, now, settings),
  ...staleLeads(state, now, settings),
  ...stuckDeals(state, now, settings),
  ...overdueTasks(state, now, settings),
  ...goalsBehind(goals, now, settings),
];
