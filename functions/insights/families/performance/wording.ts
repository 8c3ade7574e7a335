import { titleAround, weakestStep } from '../../rules/draft';
import { quote } from '../../text';
import type { FamilyWordings, SignalGroup } from '../family';
import type { PerformanceSignal } from './signals';
import { weakestComponent } from './signals';

/** How the performance family's signals read as rule insights. */
export const performanceWordings: FamilyWordings<PerformanceSignal> = {
  score_component_below_target: ({ payload: { component } }) => ({
    title: titleAround((name) => `Lift the ${name} score`, component),
    why: 'A component below its target pulls the overall score down; a focused fix here moves the whole scorecard.',
    actions: [
      `Find the main cause of the low ${quote(component)} score with the person who owns it`,
      `Track a weekly measure that shows whether ${quote(component)} is improving`,
      `Add a goal or action aimed at ${quote(component)}`,
    ],
  }),
  low_overall_score: ({ payload }) => ({
    title: `Overall score is low at ${payload.overallScore}`,
    why: 'A low overall score usually means the team is spread too thin; focus beats doing everything at once.',
    actions: [
      ...weakestStep(
        payload.weakest?.name,
        (name) => `Start with ${name}, the weakest component, and review it with its owner every week`,
      ),
      'Pause work that does not move the score',
    ],
  }),
  score_trending_down: (_signal, ctx) => ({
    title: 'Performance is trending down',
    why: 'Catching a downward trend early is cheaper than recovering from a low score.',
    actions: [
      "Compare this period's components with the last period to find what dropped",
      ...weakestStep(
        weakestComponent(ctx.snapshot.performance)?.name,
        (name) => `Look first at ${name}, the weakest component`,
      ),
      'Ask each component owner for the cause and a fix',
    ],
  }),
};

/** The performance family's group: components below target. */
export const performanceGroups: readonly SignalGroup[] = [
  {
    kinds: ['score_component_below_target'],
    individual: 2,
    title: 'More scorecard components below target',
    actions: (names) => [
      `Ask the owners of ${names} for the main cause of each gap`,
      'Pick the component closest to its target and close that gap first',
    ],
  },
];
