import { alignmentOf, type Alignment } from '../../shared/alignment';
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

/** The facts: each goal with what it shares with the vision, purpose and core values (`alignmentOf`). */
export interface AlignmentFacts {
  readonly goals: readonly { id: string; title: string; status: string; alignment: Alignment }[];
}

const negative = /\b(not aligned|misaligned|unrelated|contradicts|no connection|weakly)\b/i;
const positive = /\b(strongly supports|fully aligned|directly supports|closely aligned)\b/i;

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
      goals: (parsed.goals ?? []).map((goal) => ({
        id: goal.id,
        title: goal.title,
        status: goal.status ?? 'unknown',
        alignment: alignmentOf(text, goal.title),
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
    const goals = facts.goals.map(({ id, title, status, alignment }) => {
      const shared = [...alignment.sharedThemes.map((theme) => `the ${theme} theme`), ...alignment.sharedWords];
      const statusBonus = alignment.score > 0 && (status === 'completed' || status === 'on_track') ? 10 : 0;
      return {
        goalId: id,
        title,
        score: Math.min(100, alignment.score + statusBonus),
        reason:
          shared.length > 0
            ? `Shares ${shared.join(', ')} with the strategy (offline: shared words and themes)`
            : 'No word or theme in common with the vision, purpose or values (offline: shared words and themes)',
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
