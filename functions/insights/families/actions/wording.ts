import { SUGGESTIONS_MAX } from '../../rules/draft';
import { countIs, plural, quote } from '../../text';
import type { FamilyWordings } from '../family';
import type { ActionSignal } from './signals';

/** One step per named action (as many as fit before the closing step), then the closing step. */
const actionListSteps = (titles: readonly string[], step: (quoted: string) => string, closing: string): string[] => [
  ...titles.slice(0, SUGGESTIONS_MAX - 1).map((title) => step(quote(title))),
  closing,
];

/** How the action family's signals read as rule insights. */
export const actionWordings: FamilyWordings<ActionSignal> = {
  overdue_actions: ({ payload }) => ({
    title: `${countIs(payload.count, 'action')} overdue`,
    why: 'Overdue actions stall the goals they serve and make every deadline easier to ignore.',
    actions: actionListSteps(
      payload.actionTitles,
      (title) => `Finish or re-date ${title}`,
      'Go through every overdue action in the weekly meeting: give it a new date or close it',
    ),
  }),
  stalled_actions: ({ payload: { count, actionTitles } }) => ({
    title: `${plural(count, 'action')} ${count === 1 ? 'has' : 'have'} stalled`,
    why: 'Work nobody touches for weeks is usually blocked or no longer important.',
    actions: actionListSteps(
      actionTitles,
      (title) => `Ask the owner of ${title} what is in the way`,
      'Close the stalled actions that no longer matter',
    ),
  }),
  blocked_actions: ({ payload }) => ({
    title: `${countIs(payload.count, 'action')} blocked`,
    why: 'Blocked work waits on a decision or a person; removing the blocker is often the quickest win.',
    actions: actionListSteps(
      payload.actionTitles,
      (title) => `Name who can unblock ${title} and ask them today`,
      'Make blockers a standing item in the weekly meeting',
    ),
  }),
};
