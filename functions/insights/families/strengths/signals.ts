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

/** A signal of the strengths family. */
export type StrengthSignal = SignalWith<'strong_performance', StrongPerformancePayload>;

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

/** The strengths family: an overall score at or above the strong mark. */
export const strengthSignals: FamilySignals<StrengthSignal> = ({ performance }, _now, t) => {
  if (performance?.overallScore === undefined) return [];
  const overallScore = Math.round(performance.overallScore);
  if (overallScore < t.strongOverallScore) return [];
  const strongest = strongestComponent(performance);
  const weakest = weakestComponent(performance);
  const payload: StrongPerformancePayload = {
    ...overallScorePayload(performance, overallScore, t.strongOverallScore),
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
