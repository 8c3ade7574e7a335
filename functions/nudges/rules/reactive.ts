import type { Activity } from '../model';
import { metadataOf, openTasks, LEAD_STATUSES, type EntityState } from '../projection';
import { dollars, plural, type NudgeCandidate } from './candidate';

/** Won deals of one source it takes before a referral nudge says which source is the most valuable. */
export const MIN_DEALS_PER_SOURCE = 3;
const PRIORITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Average value of won deals per source, for sources with at least MIN_DEALS_PER_SOURCE of them. */
const wonValueBySource = (state: EntityState): Map<string, { average: number; deals: number }> => {
  const sums = new Map<string, { total: number; deals: number }>();
  for (const deal of state.deals.values()) {
    if (!deal.won || !deal.source) continue;
    const sum = sums.get(deal.source) ?? { total: 0, deals: 0 };
    sums.set(deal.source, { total: sum.total + deal.value, deals: sum.deals + 1 });
  }
  return new Map(
    [...sums]
      .filter(([, sum]) => sum.deals >= MIN_DEALS_PER_SOURCE)
      .map(([source, sum]) => [source, { average: sum.total / sum.deals, deals: sum.deals }]),
  );
};

/** A deal won: ask the client for a referral (with the most valuable source when the history shows one). */
export const referralAfterWin = (activity: Activity, state: EntityState): NudgeCandidate[] => {
  const closed = metadataOf(activity, 'deal_closed');
  if (!closed?.won) return [];
  const who = closed.contact_name ?? state.deals.get(activity.entityId)?.name ?? 'this client';
  const bySource = wonValueBySource(state);
  const [best] = [...bySource].sort(([, a], [, b]) => b.average - a.average);
  const source = closed.source ?? state.deals.get(activity.entityId)?.source;
  const bestIsThis = best !== undefined && best[0] === source && bySource.size > 1;
  return [
    {
      type: 'action',
      rule: 'referral_after_win',
      entityType: activity.entityType,
      entityId: activity.entityId,
      message:
        `Nice close! ${dollars(closed.value)} won in ${plural(closed.days_to_close, 'day')}. ` +
        (bestIsThis
          ? `Deals from ${source} are your most valuable (${dollars(best[1].average)} on average over ${best[1].deals} won deals); `
          : '') +
        `${bestIsThis ? 'ask' : 'Ask'} ${who} for a referral while they're happy.`,
      priority: 'high',
      suggestedAction: 'create_task',
      actionParams: { title: `Ask ${who} for a referral`, dueInDays: 2, relatedEntityId: activity.entityId },
      evidence: [
        { metric: 'deal value', value: closed.value },
        { metric: 'days to close', value: closed.days_to_close },
        ...(bestIsThis
          ? [
              { metric: `average won deal from ${source}`, value: Math.round(best[1].average) },
              { metric: `won deals from ${source}`, value: best[1].deals },
            ]
          : []),
      ],
      ttlHours: 48,
      cooldownHours: 24,
    },
  ];
};

/** A task done: the next open task by priority, then due date, then age. */
export const nextTaskAfterCompletion = (activity: Activity, state: EntityState): NudgeCandidate[] => {
  if (!metadataOf(activity, 'task_completed')) return [];
  const [next] = openTasks(state)
    .filter((task) => task.title !== undefined && (task.priority === 'high' || task.priority === 'critical'))
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
        a.createdAt.localeCompare(b.createdAt),
    );
  if (!next) return [];
  const open = openTasks(state).filter((task) => task.priority === 'high' || task.priority === 'critical').length;
  return [
    {
      type: 'action',
      rule: 'next_task',
      entityType: 'task',
      entityId: next.id,
      message:
        `Done! Next up: "${next.title}" (${next.priority} priority${next.dueDate ? `, due ${next.dueDate}` : ''}); ` +
        `${plural(open, 'high-priority task')} still open.`,
      priority: 'medium',
      suggestedAction: 'open_task',
      actionParams: { taskId: next.id },
      evidence: [
        { metric: 'open high-priority tasks', value: open },
        ...(next.dueDate ? [{ metric: 'due date', value: next.dueDate }] : []),
      ],
      ttlHours: 8,
      cooldownHours: 1,
    },
  ];
};

/** A new lead: contact them within 24 hours. */
export const contactNewLead = (activity: Activity): NudgeCandidate[] => {
  const contact = metadataOf(activity, 'contact_created');
  if (!contact || !LEAD_STATUSES.has(contact.status.toLowerCase())) return [];
  const who = contact.name ?? 'your new lead';
  return [
    {
      type: 'action',
      rule: 'contact_new_lead',
      entityType: activity.entityType,
      entityId: activity.entityId,
      message: `New lead from ${contact.source}: reach out to ${who} within 24 hours, while the interest is fresh.`,
      priority: 'high',
      suggestedAction: 'create_task',
      actionParams: { title: `Contact ${who}`, dueInDays: 1, relatedEntityId: activity.entityId },
      evidence: [
        { metric: 'lead source', value: contact.source },
        { metric: 'hours to first contact', value: 24 },
      ],
      ttlHours: 24,
      cooldownHours: 24 * 7,
    },
  ];
};

/** A goal turned at risk: review its strategy. */
export const reviewAtRiskGoal = (activity: Activity): NudgeCandidate[] => {
  const changed = metadataOf(activity, 'goal_status_changed');
  if (!changed || !['at_risk', 'atrisk', 'at risk'].includes(changed.new_status.toLowerCase())) return [];
  const goal = changed.title ? `"${changed.title}"` : 'A goal';
  return [
    {
      type: 'action',
      rule: 'goal_at_risk',
      entityType: activity.entityType,
      entityId: activity.entityId,
      message: `${goal} went from ${changed.old_status} to at risk: review its strategy and the actions behind it this week.`,
      priority: 'high',
      suggestedAction: 'review_goal',
      actionParams: { goalId: activity.entityId },
      evidence: [
        { metric: 'previous status', value: changed.old_status },
        { metric: 'new status', value: changed.new_status },
      ],
      ttlHours: 72,
      cooldownHours: 24 * 3,
    },
  ];
};

/** A critical issue: schedule it now. */
export const scheduleCriticalIssue = (activity: Activity): NudgeCandidate[] => {
  const issue = metadataOf(activity, 'issue_created');
  if (issue?.priority !== 'critical') return [];
  const title = issue.title ? `"${issue.title}"` : 'A critical issue';
  return [
    {
      type: 'action',
      rule: 'schedule_critical_issue',
      entityType: activity.entityType,
      entityId: activity.entityId,
      message:
        `${title} was raised as critical${issue.businessImpact ? ` (impact: ${issue.businessImpact})` : ''}: ` +
        'put it on the agenda of your next meeting and give it an owner today.',
      priority: 'critical',
      suggestedAction: 'schedule_issue',
      actionParams: { issueId: activity.entityId },
      evidence: [
        { metric: 'issue priority', value: issue.priority },
        ...(issue.businessImpact ? [{ metric: 'business impact', value: issue.businessImpact }] : []),
      ],
      ttlHours: 48,
      cooldownHours: 24,
    },
  ];
};

/** The actions some reactive rule reads: any other activity is stored without reading the user's history. */
export const REACTIVE_ACTIONS: ReadonlySet<string> = new Set([
  'deal_closed',
  'task_completed',
  'contact_created',
  'goal_status_changed',
  'issue_created',
]);

/** Every reactive rule, on the activity just recorded and the state after it. */
export const reactiveCandidates = (activity: Activity, state: EntityState): NudgeCandidate[] => [
  ...referralAfterWin(activity, state),
  ...nextTaskAfterCompletion(activity, state),
  ...contactNewLead(activity),
  ...reviewAtRiskGoal(activity),
  ...scheduleCriticalIssue(activity),
];
