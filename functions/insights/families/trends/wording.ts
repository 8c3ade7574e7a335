import { titleAround } from '../../rules/draft';
import { quote } from '../../text';
import type { FamilyWordings, SignalGroup } from '../family';
import type { TrendSignal } from './signals';
import { metricLabels } from './signals';

/** How the trends family's signals read as rule insights. */
export const trendWordings: FamilyWordings<TrendSignal> = {
  score_change: ({ payload: { change, detractors, drivers } }) => {
    const fell = change < 0;
    const lead = (fell ? detractors : drivers)[0]?.component;
    return {
      title: fell ? `Overall score down ${-change} points` : `Overall score up ${change} points`,
      why: fell
        ? 'A score that keeps falling for weeks is harder to turn around; the component that fell most is the lever.'
        : 'Knowing what lifted the score tells you what to keep doing.',
      actions: fell
        ? [
            lead === undefined
              ? 'Ask each component owner what changed in the last weeks'
              : `Ask the owner of ${quote(lead)} what changed and agree one fix this week`,
            'Compare this month with last month in your next leadership meeting',
          ]
        : [
            lead === undefined
              ? 'Write down what the team did differently this month'
              : `Write down what lifted ${quote(lead)} and keep doing it`,
          ],
      actionable: fell,
    };
  },
  unusual_change: ({ payload: { metric, date } }) => ({
    title: `Unusual move in ${metricLabels[metric].toLowerCase()}`,
    why: 'A jump this far outside the normal day-to-day movement usually has one cause worth finding.',
    actions: [`Find what happened on ${date} that moved ${metricLabels[metric].toLowerCase()}`],
  }),
  new_trend: ({ payload: { metric, direction } }) => ({
    title: `${metricLabels[metric]} turned ${direction}`,
    why: 'A change of direction is the earliest sign that something in the business changed.',
    actions: [`Review what changed in the last two weeks behind ${metricLabels[metric].toLowerCase()}`],
  }),
  goal_stalled: ({ payload: { goal, days } }) => ({
    title: titleAround((name) => `Restart ${name}`, goal),
    why: `No progress for ${days} days means no action is moving it; a goal without movement quietly gets dropped.`,
    actions: [`Name the next action for ${quote(goal)} with an owner and a date this week`],
  }),
  goal_off_pace: ({ payload: { goal, targetDate } }) => ({
    title: titleAround((name) => `Speed up ${name}`, goal),
    why: 'At the current rate the goal misses its date; deciding now leaves room to add effort or move the date.',
    actions: [
      `Decide whether ${quote(goal)} needs more effort or a later date than ${targetDate}`,
      `Break the rest of ${quote(goal)} into weekly milestones`,
    ],
  }),
};

/** The trends family's groups: goals off pace, and stalled goals, when there are many. */
export const trendGroups: readonly SignalGroup[] = [
  {
    kinds: ['goal_off_pace'],
    individual: 2,
    title: 'More goals will miss their dates at this pace',
    actions: (names) => [`Decide, goal by goal, whether ${names} need more effort or a later date`],
  },
  {
    kinds: ['goal_stalled'],
    individual: 2,
    title: 'More goals without progress',
    actions: (names) => [`Name the next action, an owner and a date for ${names}`],
  },
];
