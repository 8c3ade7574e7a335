import * as z from '../../shared/zod';
import type { AnalysisDefinition, Inconsistency } from '../model';

/** One goal scored against the vision, purpose and core values. */
export interface GoalAlignment {
  readonly goalId: string;
  readonly title: string;
  readonly score: number;
  readonly reason: string;
  readonly gap: string;
}

/** The result of the strategy-alignment analysis. */
export interface AlignmentResult {
  readonly goals: readonly GoalAlignment[];
  readonly overallScore: number;
  readonly recommendations: readonly string[];
}

/** The facts: the tenant's strategy words and its goals. */
export interface AlignmentFacts {
  readonly strategyStems: readonly string[];
  readonly goals: readonly { id: string; title: string; status: string; stems: readonly string[] }[];
}

const negative = /\b(not aligned|misaligned|unrelated|contradicts|no connection|weakly)\b/i;
const positive = /\b(strongly supports|fully aligned|directly supports|closely aligned)\b/i;

/** A crude stemmer: lower case, strip common English suffixes; words of 3 letters or fewer are dropped. */
export const stems = (text: string): string[] =>
  [...new Set(text.toLowerCase().match(/[a-z]+/g) ?? [])]
    .filter((word) => word.length > 3)
    .map((word) => word.replace(/(ing|ed|es|s|ly|ment)$/, ''));

/** Names each goal whose score disagrees with its reason (high with a negative reason, low with a positive one). */
export const scoreReasonInconsistencies = (goals: readonly GoalAlignment[]): Inconsistency[] =>
  goals.flatMap((goal) => {
    if (goal.score >= 70 && negative.test(goal.reason))
      return [
        { name: 'score_contradicts_reason', detail: `${goal.goalId}: score ${goal.score} with "${goal.reason}"` },
      ];
    if (goal.score <= 30 && positive.test(goal.reason))
      return [
        { name: 'score_contradicts_reason', detail: `${goal.goalId}: score ${goal.score} with "${goal.reason}"` },
      ];
    return [];
  });

const goalSchema = z.object({ id: z.string(), title: z.string(), status: z.optional(z.string()) });
const dataSchema = z.object({
  strategy: z.optional(
    z.object({
      vision: z.optional(z.string()),
      purpose: z.optional(z.string()),
      coreValues: z.optional(z.array(z.string())),
    }),
  ),
  goals: z.optional(z.array(goalSchema)),
});

/** Strategy alignment: goals scored 0-100 against vision, purpose and core values. */
export const strategyAlignmentAnalysis: AnalysisDefinition<Record<string, never>, AlignmentFacts, AlignmentResult> = {
  type: 'strategy-alignment',
  promptTopic: 'analysis-strategy-alignment',
  parseRequest: () => ({}),
  recipe: { sources: ['strategy', 'goals'], metrics: ['goalProgress'] },
  precompute: ({ data }) => {
    const parsed = dataSchema.parse(data);
    const strategy = parsed.strategy ?? {};
    const text = [strategy.vision ?? '', strategy.purpose ?? '', ...(strategy.coreValues ?? [])].join(' ');
    return {
      strategyStems: stems(text),
      goals: (parsed.goals ?? []).map((goal) => ({
        id: goal.id,
        title: goal.title,
        status: goal.status ?? 'unknown',
        stems: stems(goal.title),
      })),
    };
  },
  validate: (result, facts) => [
    ...scoreReasonInconsistencies(result.goals),
    ...result.goals
      .filter((goal) => !facts.goals.some((known) => known.id === goal.goalId))
      .map((goal) => ({ name: 'unknown_goal', detail: `${goal.goalId} is not one of the tenant's goals` })),
    ...(result.recommendations.length >= 3 && result.recommendations.length <= 5
      ? []
      : [{ name: 'recommendation_count', detail: `${result.recommendations.length} recommendations, expected 3-5` }]),
  ],
  offline: (_input, facts) => {
    const goals = facts.goals.map((goal) => {
      const shared = goal.stems.filter((stem) => facts.strategyStems.includes(stem));
      const overlap = goal.stems.length === 0 ? 0 : shared.length / goal.stems.length;
      const statusBonus = goal.status === 'completed' || goal.status === 'on_track' ? 10 : 0;
      const score = Math.min(100, Math.round(overlap * 90) + statusBonus);
      return {
        goalId: goal.id,
        title: goal.title,
        score,
        reason:
          shared.length > 0
            ? `Shares ${shared.join(', ')} with the strategy (offline text overlap)`
            : 'No words in common with the vision, purpose or values (offline text overlap)',
        gap:
          shared.length > 0
            ? 'Check the remaining wording against the core values'
            : 'State how this goal serves the vision or purpose',
      };
    });
    const overallScore =
      goals.length === 0 ? 0 : Math.round(goals.reduce((sum, goal) => sum + goal.score, 0) / goals.length);
    const weakest = [...goals].sort((a, b) => a.score - b.score).slice(0, 2);
    return {
      goals,
      overallScore,
      recommendations: [
        ...weakest.map((goal) => `Reword "${goal.title}" to name the purpose it serves`),
        'Review goal alignment quarterly',
        'Link every goal to one core value',
      ].slice(0, 5),
    };
  },
};
