import { topicCategory } from '../topics';
import type { Issue } from '../../../shared/business-api/model';
import { daysSince } from '../../dates';
import { isoDay, plural, quote } from '../../text';
import { buildSignal, fact, factMetrics } from '../family';
import type { FamilySignals, SignalWith, Statement } from '../family';

/** An open issue at high or critical priority. */
export interface HighImpactIssuePayload {
  readonly issueId: string;
  /** The issue's title. */
  readonly issue: string;
  readonly priority: 'high' | 'critical';
  readonly status?: NonNullable<Issue['status']>;
  /** When it was opened (a calendar day) and how many days ago. */
  readonly opened?: { readonly on: string; readonly days: number };
  readonly owner?: string;
  /** The title of the goal it affects. */
  readonly linkedGoal?: string;
}

/** A signal of the issue family. */
export type IssueSignal = SignalWith<'open_high_impact_issue', HighImpactIssuePayload>;

const isOpenIssue = (issue: Issue): boolean =>
  issue.status === undefined || issue.status === 'open' || issue.status === 'in_progress';

const issueStatement = (issue: HighImpactIssuePayload): Statement => ({
  summary:
    `${issue.priority === 'critical' ? 'Critical' : 'High-priority'} issue ${quote(issue.issue)} ` +
    `${issue.opened === undefined ? 'is open' : `has been open since ${issue.opened.on} (${plural(issue.opened.days, 'day')})`}` +
    `${issue.linkedGoal === undefined ? '' : ` and affects the goal ${quote(issue.linkedGoal)}`}.`,
  facts: [
    fact('issues', factMetrics.issue, issue.issue),
    fact('issues', factMetrics.issuePriority, issue.priority),
    ...(issue.status === undefined ? [] : [fact('issues', factMetrics.issueStatus, issue.status)]),
    ...(issue.opened === undefined
      ? []
      : [
          fact('issues', factMetrics.openedOn, issue.opened.on),
          fact('issues', factMetrics.daysOpen, issue.opened.days),
        ]),
    ...(issue.owner === undefined ? [] : [fact('issues', factMetrics.owner, issue.owner)]),
    ...(issue.linkedGoal === undefined ? [] : [fact('goals', factMetrics.linkedGoal, issue.linkedGoal)]),
  ],
});

/** The issue family: one signal per open issue at high or critical priority. */
export const issueSignals: FamilySignals<IssueSignal> = (snapshot, now, t) => {
  const goals = snapshot.goals ?? [];
  return (snapshot.issues ?? []).flatMap((issue): IssueSignal[] => {
    if (!isOpenIssue(issue) || (issue.priority !== 'high' && issue.priority !== 'critical')) return [];
    const goal = issue.goalId === undefined ? undefined : goals.find((candidate) => candidate.id === issue.goalId);
    const payload: HighImpactIssuePayload = {
      issueId: issue.id,
      issue: issue.title,
      priority: issue.priority,
      ...(issue.status === undefined ? {} : { status: issue.status }),
      ...(issue.createdAt === undefined
        ? {}
        : { opened: { on: isoDay(issue.createdAt), days: daysSince(issue.createdAt, now, t.timeZone) } }),
      ...(issue.owner === undefined ? {} : { owner: issue.owner }),
      ...(goal === undefined ? {} : { linkedGoal: goal.title }),
    };
    return [
      buildSignal(
        {
          key: `open_high_impact_issue:${issue.id}`,
          kind: 'open_high_impact_issue',
          category: topicCategory(`${issue.title} ${issue.description ?? ''}`, 'operations'),
          priority: issue.priority,
        },
        payload,
        issueStatement,
      ),
    ];
  });
};
