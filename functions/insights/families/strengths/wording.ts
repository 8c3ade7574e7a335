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
};
