import { titleAround } from '../../rules/draft';
import { quote } from '../../text';
import type { FamilyWordings, SignalGroup } from '../family';
import type { IssueSignal } from './signals';

/** How the issue family's signals read as rule insights. */
export const issueWordings: FamilyWordings<IssueSignal> = {
  open_high_impact_issue: ({ payload: { issue, owner, linkedGoal: goal, priority } }) => {
    const level = priority === 'critical' ? 'critical' : 'high-priority';
    return {
      title: titleAround((name) => `Resolve the ${level} issue ${name}`, issue),
      why: 'An open high-impact issue drains attention from the goals until it is solved.',
      actions: [
        `Put ${quote(issue)} first on the agenda of the next leadership meeting`,
        owner === undefined
          ? `Give ${quote(issue)} an owner and a date to resolve it`
          : `Ask ${owner} for a plan and a date to resolve ${quote(issue)}`,
        ...(goal === undefined ? [] : [`Check how ${quote(issue)} affects ${quote(goal)} and adjust that goal's plan`]),
      ],
    };
  },
};

/** The issue family's group: open high-impact issues. */
export const issueGroups: readonly SignalGroup[] = [
  {
    kinds: ['open_high_impact_issue'],
    individual: 3,
    title: 'More high-priority issues are open',
    actions: (names) => [
      `Give ${names} an owner and a date to resolve`,
      'Work the open issues in priority order in your weekly meeting',
    ],
  },
];
