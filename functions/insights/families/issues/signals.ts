import type { Issue } from '../../../shared/business-api/model';
import { daysSince } from '../../dates';
import type { Signal } from '../../model';
import { isoDay, plural, quote } from '../../text';
import { fact, factMetrics } from '../family';
import type { FamilySignals } from '../family';

const isOpenIssue = (issue: Issue): boolean =>
  issue.status === undefined || issue.status === 'open' || issue.status === 'in_progress';

/** The issue family: one signal per open issue at high or critical priority. */
export const issueSignals: FamilySignals = (snapshot, now) => {
  const goals = snapshot.goals ?? [];
  return (snapshot.issues ?? []).flatMap((issue): Signal[] => {
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
};
