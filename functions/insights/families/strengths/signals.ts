import { fact, factMetrics } from '../family';
import type { FamilySignals } from '../family';
import { componentFacts, scoreText, strongestComponent, trendFacts, weakestComponent } from '../performance/signals';

/** The strengths family: an overall score at or above the strong mark. */
export const strengthSignals: FamilySignals = ({ performance }, _now, t) => {
  if (performance?.overallScore === undefined) return [];
  const score = Math.round(performance.overallScore);
  if (score < t.strongOverallScore) return [];
  const strongest = strongestComponent(performance);
  const weakest = weakestComponent(performance);
  return [
    {
      key: 'strong_performance',
      kind: 'strong_performance',
      category: 'leadership',
      priority: 'low',
      summary:
        `The overall score is ${score}, at or above the strong mark of ${t.strongOverallScore}` +
        `${strongest === undefined ? '' : `, led by ${scoreText(strongest)}`}.`,
      facts: [
        fact('performance', factMetrics.overallScore, score),
        fact('signals', factMetrics.strongScoreThreshold, t.strongOverallScore),
        ...trendFacts(performance),
        ...componentFacts(strongest, factMetrics.strongestComponent, factMetrics.strongestScore),
        ...(weakest === strongest
          ? []
          : componentFacts(weakest, factMetrics.weakestComponent, factMetrics.weakestScore)),
      ],
    },
  ];
};
