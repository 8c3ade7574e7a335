import { weakestStep } from '../../rules/draft';
import { quote } from '../../text';
import type { FamilyWordings } from '../family';
import type { StrengthSignal } from './signals';

/** How the strengths family's signals read as rule insights: they inform rather than ask for action. */
export const strengthWordings: FamilyWordings<StrengthSignal> = {
  strong_performance: ({ payload }) => {
    const strongest = payload.strongest?.name;
    return {
      title: `Strong performance: overall score ${payload.overallScore}`,
      why: 'Strong results are the moment to capture what works and raise the bar.',
      actions: [
        ...(strongest === undefined
          ? []
          : [`Write down what keeps ${quote(strongest)} strong so the team can repeat it`]),
        ...weakestStep(payload.weakest?.name, (name) => `Raise the bar on ${name}, the weakest component`),
        'Recognise the team for the result in your next meeting',
      ],
      actionable: false,
    };
  },
  goals_on_track: ({ payload: { goals } }) => ({
    title: goals.length === 1 ? 'A goal on track' : `${goals.length} goals on track`,
    why: 'Goals that move every week show which habits work; they are worth protecting when other goals slip.',
    actions: [
      `Ask the owner of ${quote(goals[0]?.title ?? 'the goal')} what keeps it moving, and copy it to one slipping goal`,
    ],
    actionable: false,
  }),
  targets_beaten: ({ payload: { components } }) => ({
    title: components.length === 1 ? 'A scorecard target beaten' : `${components.length} scorecard targets beaten`,
    why: 'What already works is the template for what does not yet.',
    actions: [`Ask the owner of ${quote(components[0]?.name ?? 'the best component')} what made it work, and share it`],
    actionable: false,
  }),
};
