import { topicCategory } from '../topics';
import type { Performance } from '../../../shared/business-api/model';
import type { Category, Evidence } from '../../model';
import { plural, quote } from '../../text';
import { buildSignal, fact, factMetrics } from '../family';
import type { FamilySignals, SignalThresholds, SignalWith, Statement } from '../family';

/** One component of the performance scorecard. */
type Component = NonNullable<Performance['components']>[number];

/** The direction of the performance trend. */
type Trend = NonNullable<Performance['trend']>;

/** A component's name and score, rounded, as a signal states them. */
export interface ComponentScore {
  readonly name: string;
  readonly score: number;
}

/** A scorecard component below its target, or below the default floor when it has no target of its own. */
export interface ComponentBelowTargetPayload {
  readonly component: string;
  readonly score: number;
  /** The component's target, or the default floor when `isDefaultFloor`. */
  readonly target: number;
  readonly isDefaultFloor: boolean;
  readonly pointsBelowTarget: number;
}

/** The overall score (rounded) against one of its thresholds, and the trend. */
export interface OverallScorePayload {
  readonly overallScore: number;
  readonly threshold: number;
  readonly trend?: Trend;
}

/** An overall score below the low overall score threshold. */
export interface LowOverallScorePayload extends OverallScorePayload {
  readonly weakest?: ComponentScore;
}

/** A downward performance trend. */
export interface TrendingDownPayload {
  readonly overallScore?: number;
}

/** A signal of the performance family. */
export type PerformanceSignal =
  | SignalWith<'score_component_below_target', ComponentBelowTargetPayload>
  | SignalWith<'low_overall_score', LowOverallScorePayload>
  | SignalWith<'score_trending_down', TrendingDownPayload>;

/** The component with the highest score (the first one on a tie). */
export const strongestComponent = (performance: Performance | undefined): Component | undefined =>
  (performance?.components ?? []).reduce<Component | undefined>(
    (best, component) => (best === undefined || component.score > best.score ? component : best),
    undefined,
  );

/** The component with the lowest score (the first one on a tie). */
export const weakestComponent = (performance: Performance | undefined): Component | undefined =>
  (performance?.components ?? []).reduce<Component | undefined>(
    (worst, component) => (worst === undefined || component.score < worst.score ? component : worst),
    undefined,
  );

/** A component's name and rounded score. */
export const componentScore = (component: Component): ComponentScore => ({
  name: component.name,
  score: Math.round(component.score),
});

/** "'Cash flow' at 45": a component's quoted name and rounded score. */
export const scoreText = (component: Pick<Component, 'name' | 'score'>): string =>
  `${quote(component.name)} at ${Math.round(component.score)}`;

/** A component's name and rounded score as two facts, under the given metric names. */
export const componentFacts = (
  component: Pick<Component, 'name' | 'score'> | undefined,
  nameMetric: string,
  scoreMetric: string,
): Evidence[] =>
  component === undefined
    ? []
    : [fact('performance', nameMetric, component.name), fact('performance', scoreMetric, Math.round(component.score))];

/** The overall score (rounded) against a threshold, and the trend. */
export const overallScorePayload = (
  performance: Performance,
  overallScore: number,
  threshold: number,
): OverallScorePayload => ({
  overallScore,
  threshold,
  ...(performance.trend === undefined ? {} : { trend: performance.trend }),
});

/** The trend as a fact, when there is one. */
export const trendFacts = (trend: Trend | undefined): Evidence[] =>
  trend === undefined ? [] : [fact('performance', factMetrics.trend, trend)];

/** A component's category from its name (topics.ts); operations when its name says nothing else. */
const componentCategory = (name: string): Category => topicCategory(name, 'operations');

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'component';

const componentStatement = (gap: ComponentBelowTargetPayload): Statement => ({
  summary:
    `Score component ${quote(gap.component)} is at ${gap.score}, ${plural(gap.pointsBelowTarget, 'point')} below ` +
    `${gap.isDefaultFloor ? `the default floor of ${gap.target}` : `its target of ${gap.target}`}.`,
  facts: [
    fact('performance', factMetrics.component, gap.component),
    fact('performance', factMetrics.componentScore, gap.score),
    gap.isDefaultFloor
      ? fact('signals', factMetrics.componentFloor, gap.target)
      : fact('performance', factMetrics.componentTarget, gap.target),
    fact('performance', factMetrics.pointsBelowTarget, gap.pointsBelowTarget),
  ],
});

const lowOverallStatement = (low: LowOverallScorePayload): Statement => ({
  summary:
    `The overall score is ${low.overallScore}, below the threshold of ${low.threshold}` +
    `${low.weakest === undefined ? '' : `; the weakest component is ${scoreText(low.weakest)}`}.`,
  facts: [
    fact('performance', factMetrics.overallScore, low.overallScore),
    fact('signals', factMetrics.lowScoreThreshold, low.threshold),
    ...trendFacts(low.trend),
    ...componentFacts(low.weakest, factMetrics.weakestComponent, factMetrics.weakestScore),
  ],
});

const trendingDownStatement = ({ overallScore }: TrendingDownPayload): Statement => ({
  summary: `The performance trend is down${overallScore === undefined ? '' : `, with an overall score of ${overallScore}`}.`,
  facts: [
    ...trendFacts('down'),
    ...(overallScore === undefined ? [] : [fact('performance', factMetrics.overallScore, overallScore)]),
  ],
});

const componentSignals = (performance: Performance, t: SignalThresholds): PerformanceSignal[] =>
  (performance.components ?? []).flatMap((component): PerformanceSignal[] => {
    const score = Math.round(component.score);
    const ownTarget = component.target === undefined ? undefined : Math.round(component.target);
    const target = ownTarget ?? t.componentFloor;
    if (score >= target) return [];
    const payload: ComponentBelowTargetPayload = {
      component: component.name,
      score,
      target,
      isDefaultFloor: ownTarget === undefined,
      pointsBelowTarget: target - score,
    };
    return [
      buildSignal(
        {
          key: `score_component_below_target:${slug(component.name)}`,
          kind: 'score_component_below_target',
          category: componentCategory(component.name),
          priority: payload.pointsBelowTarget >= t.wideComponentGap ? 'high' : 'medium',
        },
        payload,
        componentStatement,
      ),
    ];
  });

const trendingDownSignals = ({ trend, overallScore }: Performance): PerformanceSignal[] => {
  if (trend !== 'down') return [];
  const payload: TrendingDownPayload = overallScore === undefined ? {} : { overallScore: Math.round(overallScore) };
  return [
    buildSignal(
      { key: 'score_trending_down', kind: 'score_trending_down', category: 'strategy', priority: 'medium' },
      payload,
      trendingDownStatement,
    ),
  ];
};

const lowOverallSignals = (performance: Performance, t: SignalThresholds): PerformanceSignal[] => {
  if (performance.overallScore === undefined) return [];
  const overallScore = Math.round(performance.overallScore);
  if (overallScore >= t.lowOverallScore) return [];
  const weakest = weakestComponent(performance);
  const payload: LowOverallScorePayload = {
    ...overallScorePayload(performance, overallScore, t.lowOverallScore),
    ...(weakest === undefined ? {} : { weakest: componentScore(weakest) }),
  };
  return [
    buildSignal(
      { key: 'low_overall_score', kind: 'low_overall_score', category: 'strategy', priority: 'high' },
      payload,
      lowOverallStatement,
    ),
  ];
};

/** The performance family: a downward trend, a low overall score, and components below their target. */
export const performanceSignals: FamilySignals<PerformanceSignal> = ({ performance }, _now, t) =>
  performance === undefined
    ? []
    : [...trendingDownSignals(performance), ...lowOverallSignals(performance, t), ...componentSignals(performance, t)];
