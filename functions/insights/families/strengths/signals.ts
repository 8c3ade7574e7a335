import type { Goal } from '../../../shared/business-api/model';
import { buildSignal, fact, factMetrics } from '../family';
import type { FamilySignals, SignalWith, Statement } from '../family';
import type { ComponentScore, OverallScorePayload } from '../performance/signals';
import {
  componentFacts,
  componentScore,
  overallScorePayload,
  scoreText,
  strongestComponent,
  trendFacts,
  weakestComponent,
} from '../performance/signals';

/** An overall score at or above the strong overall score threshold. */
export interface StrongPerformancePayload extends OverallScorePayload {
  readonly strongest?: ComponentScore;
  /** The weakest component, when it is not also the strongest. */
  readonly weakest?: ComponentScore;
}

/** Scorecard components at or above their own targets, best margin first. */
export interface TargetsBeatenPayload {
  readonly components: readonly { readonly name: string; readonly score: number; readonly target: number }[];
}

/** The open goals that are on track, furthest along first. */
export interface GoalsOnTrackPayload {
  readonly goals: readonly { readonly id: string; readonly title: string; readonly progress: number }[];
}

/** A signal of the strengths family. */
export type StrengthSignal =
  | SignalWith<'strong_performance', StrongPerformancePayload>
  | SignalWith<'targets_beaten', TargetsBeatenPayload>
  | SignalWith<'goals_on_track', GoalsOnTrackPayload>;

/** How many on-track goals a strength names. */
const NAMED_GOALS = 2;

const onTrackStatement = ({ goals }: GoalsOnTrackPayload): Statement => ({
  summary: `${goals.map(({ title, progress }) => `'${title}' is on track at ${progress}%`).join('; ')}.`,
  facts: goals.flatMap(({ id, title, progress }) => [
    fact('goals', factMetrics.goal, title),
    fact('goals', factMetrics.goalId, id),
    fact('goals', factMetrics.progress, progress),
  ]),
});

/** The on-track goals with the most progress. */
const goalsOnTrackSignals = (goals: readonly Goal[]): StrengthSignal[] => {
  const onTrack = goals
    .filter((goal) => goal.status === 'on_track' && goal.progress !== undefined)
    .map((goal) => ({ id: goal.id, title: goal.title, progress: Math.round(goal.progress as number) }))
    .sort((a, b) => b.progress - a.progress)
    .slice(0, NAMED_GOALS);
  return onTrack.length === 0
    ? []
    : [
        buildSignal(
          { key: 'goals_on_track', kind: 'goals_on_track', category: 'strategy', priority: 'low' },
          { goals: onTrack },
          onTrackStatement,
        ),
      ];
};

/** How many beaten targets a strength names. */
const NAMED_TARGETS = 3;

const targetsStatement = ({ components }: TargetsBeatenPayload): Statement => ({
  summary: `${components
    .map(({ name, score, target }) => `'${name}' is at ${score}, at or above its target of ${target}`)
    .join('; ')}.`,
  facts: components.flatMap(({ name, score, target }) => [
    fact('performance', factMetrics.component, name),
    fact('performance', factMetrics.componentScore, score),
    fact('performance', factMetrics.componentTarget, target),
  ]),
});

/** The components that meet their own targets (a default floor is not a target the business set). */
const targetsBeatenSignals = (
  components: readonly { name: string; score: number; target?: number }[],
): StrengthSignal[] => {
  const beaten = components
    .flatMap((c) => (c.target !== undefined && Math.round(c.score) >= Math.round(c.target) ? [c] : []))
    .map((c) => ({ name: c.name, score: Math.round(c.score), target: Math.round(c.target as number) }))
    .sort((a, b) => b.score - b.target - (a.score - a.target))
    .slice(0, NAMED_TARGETS);
  return beaten.length === 0
    ? []
    : [
        buildSignal(
          { key: 'targets_beaten', kind: 'targets_beaten', category: 'leadership', priority: 'low' },
          { components: beaten },
          targetsStatement,
        ),
      ];
};

const strongStatement = (strong: StrongPerformancePayload): Statement => ({
  summary:
    `The overall score is ${strong.overallScore}, at or above the strong mark of ${strong.threshold}` +
    `${strong.strongest === undefined ? '' : `, led by ${scoreText(strong.strongest)}`}.`,
  facts: [
    fact('performance', factMetrics.overallScore, strong.overallScore),
    fact('signals', factMetrics.strongScoreThreshold, strong.threshold),
    ...trendFacts(strong.trend),
    ...componentFacts(strong.strongest, factMetrics.strongestComponent, factMetrics.strongestScore),
    ...componentFacts(strong.weakest, factMetrics.weakestComponent, factMetrics.weakestScore),
  ],
});

/** The strengths family: a strong overall score, the targets the scorecard beats and the goals on track. */
export const strengthSignals: FamilySignals<StrengthSignal> = ({ performance, goals }, _now, t) => [
  ...strongPerformanceSignals(performance, t.strongOverallScore),
  ...targetsBeatenSignals(performance?.components ?? []),
  ...goalsOnTrackSignals(goals ?? []),
];

const strongPerformanceSignals = (
  performance: Parameters<typeof strongestComponent>[0],
  strongOverallScore: number,
): StrengthSignal[] => {
  if (performance?.overallScore === undefined) return [];
  const overallScore = Math.round(performance.overallScore);
  if (overallScore < strongOverallScore) return [];
  const strongest = strongestComponent(performance);
  const weakest = weakestComponent(performance);
  const payload: StrongPerformancePayload = {
    ...overallScorePayload(performance, overallScore, strongOverallScore),
    ...(strongest === undefined ? {} : { strongest: componentScore(strongest) }),
    ...(weakest === undefined || weakest === strongest ? {} : { weakest: componentScore(weakest) }),
  };
  return [
    buildSignal(
      { key: 'strong_performance', kind: 'strong_performance', category: 'leadership', priority: 'low' },
      payload,
      strongStatement,
    ),
  ];
};
