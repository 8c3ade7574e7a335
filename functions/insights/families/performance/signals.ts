import type { Performance } from '../../../shared/business-api/model';
import type { Category, Evidence, Signal } from '../../model';
import { plural, quote } from '../../text';
import { fact, factMetrics } from '../family';
import type { FamilySignals, SignalThresholds } from '../family';

/** One component of the performance scorecard. */
export type Component = NonNullable<Performance['components']>[number];

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

/** "'Cash flow' at 45": a component's quoted name and rounded score. */
export const scoreText = (component: Component): string => `${quote(component.name)} at ${Math.round(component.score)}`;

/** A component's name and rounded score as two facts, under the given metric names. */
export const componentFacts = (
  component: Component | undefined,
  nameMetric: string,
  scoreMetric: string,
): Evidence[] =>
  component === undefined
    ? []
    : [fact('performance', nameMetric, component.name), fact('performance', scoreMetric, Math.round(component.score))];

/** The trend as a fact, when the scorecard has one. */
export const trendFacts = (performance: Performance): Evidence[] =>
  performance.trend === undefined ? [] : [fact('performance', factMetrics.trend, performance.trend)];

/** A component's category from its name: money → finance, customers and sales → marketing, people → leadership. */
const componentCategory = (name: string): Category => {
  const lower = name.toLowerCase();
  if (/financ|revenue|profit|cash|margin|cost|budget/.test(lower)) return 'finance';
  if (/market|brand|lead|customer|sales|acquisition/.test(lower)) return 'marketing';
  if (/team|people|culture|staff|employee|hiring|talent|leader/.test(lower)) return 'leadership';
  return 'operations';
};

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'component';

const componentSignals = (performance: Performance, t: SignalThresholds): Signal[] =>
  (performance.components ?? []).flatMap((component): Signal[] => {
    const score = Math.round(component.score);
    const target = component.target === undefined ? undefined : Math.round(component.target);
    const bar = target ?? t.componentFloor;
    if (score >= bar) return [];
    const gap = bar - score;
    return [
      {
        key: `score_component_below_target:${slug(component.name)}`,
        kind: 'score_component_below_target',
        category: componentCategory(component.name),
        priority: gap >= t.wideComponentGap ? 'high' : 'medium',
        summary:
          `Score component ${quote(component.name)} is at ${score}, ${plural(gap, 'point')} below ` +
          `${target === undefined ? `the default floor of ${bar}` : `its target of ${bar}`}.`,
        facts: [
          fact('performance', factMetrics.component, component.name),
          fact('performance', factMetrics.componentScore, score),
          target === undefined
            ? fact('signals', factMetrics.componentFloor, bar)
            : fact('performance', factMetrics.componentTarget, bar),
          fact('performance', factMetrics.pointsBelowTarget, gap),
        ],
      },
    ];
  });

const trendingDownSignals = (performance: Performance): Signal[] =>
  performance.trend === 'down'
    ? [
        {
          key: 'score_trending_down',
          kind: 'score_trending_down',
          category: 'strategy',
          priority: 'medium',
          summary: `The performance trend is down${
            performance.overallScore === undefined
              ? ''
              : `, with an overall score of ${Math.round(performance.overallScore)}`
          }.`,
          facts: [
            ...trendFacts(performance),
            ...(performance.overallScore === undefined
              ? []
              : [fact('performance', factMetrics.overallScore, Math.round(performance.overallScore))]),
          ],
        },
      ]
    : [];

const lowOverallSignals = (performance: Performance, t: SignalThresholds): Signal[] => {
  if (performance.overallScore === undefined) return [];
  const score = Math.round(performance.overallScore);
  if (score >= t.lowOverallScore) return [];
  const weakest = weakestComponent(performance);
  return [
    {
      key: 'low_overall_score',
      kind: 'low_overall_score',
      category: 'strategy',
      priority: 'high',
      summary:
        `The overall score is ${score}, below the threshold of ${t.lowOverallScore}` +
        `${weakest === undefined ? '' : `; the weakest component is ${scoreText(weakest)}`}.`,
      facts: [
        fact('performance', factMetrics.overallScore, score),
        fact('signals', factMetrics.lowScoreThreshold, t.lowOverallScore),
        ...trendFacts(performance),
        ...componentFacts(weakest, factMetrics.weakestComponent, factMetrics.weakestScore),
      ],
    },
  ];
};

/** The performance family: a downward trend, a low overall score, and components below their target. */
export const performanceSignals: FamilySignals = ({ performance }, _now, t) =>
  performance === undefined
    ? []
    : [...trendingDownSignals(performance), ...lowOverallSignals(performance, t), ...componentSignals(performance, t)];
