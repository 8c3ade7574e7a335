import { alignmentOf, type Alignment } from '../../shared/alignment';
import { joinList } from '../../insights/text';
import * as z from '../../shared/zod';
import type { AnalysisDefinition, Inconsistency } from '../model';

const goalAlignmentSchema = z.object({
  goalId: z.string().check(z.minLength(1), z.maxLength(200)),
  title: z.string().check(z.minLength(1), z.maxLength(300)),
  score: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
  reason: z.string().check(z.minLength(3), z.maxLength(600)),
  gap: z.string().check(z.minLength(3), z.maxLength(600)),
});
/** One goal scored against the vision, purpose and core values. */
export type GoalAlignment = z.infer<typeof goalAlignmentSchema>;

const resultSchema = z.object({
  goals: z.array(goalAlignmentSchema).check(z.maxLength(200)),
  overallScore: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
  recommendations: z.array(z.string().check(z.minLength(3), z.maxLength(400))).check(z.minLength(3), z.maxLength(5)),
});
/** The result of the strategy-alignment analysis. */
export type AlignmentResult = z.infer<typeof resultSchema>;

const requestSchema = z.strictObject({});
/** The request of the strategy-alignment analysis: nothing; it reads the tenant's foundation and goals. */
export type AlignmentRequest = z.infer<typeof requestSchema>;

/** The facts: the strategy text and each active goal with what it shares with it (`alignmentOf`). */
export interface AlignmentFacts {
  readonly strategy: string;
  readonly goals: readonly { id: string; title: string; status: string; alignment: Alignment }[];
}

const NEGATIVE = /\b(not aligned|misaligned|unrelated|contradicts|no connection|does not (support|serve)|weakly)\b/i;
const POSITIVE = /\b(strongly supports|fully aligned|directly (supports|serves)|closely aligned|clearly serves)\b/i;
/** Scores at or above this must not come with a negative reason; at or below LOW, not with a positive one. */
const HIGH = 70;
const LOW = 30;

/** Names each goal whose score disagrees with its reason (high with a negative reason, low with a positive one). */
export const scoreReasonInconsistencies = (goals: readonly GoalAlignment[]): Inconsistency[] =>
  goals.flatMap((goal) =>
    (goal.score >= HIGH && NEGATIVE.test(goal.reason)) || (goal.score <= LOW && POSITIVE.test(goal.reason))
      ? [
          {
            name: 'score_contradicts_reason',
            detail: `goal ${goal.goalId}: a score of ${goal.score} does not agree with the reason "${goal.reason}"`,
          },
        ]
      : [],
  );

const isActive = (status: string | undefined): boolean => status !== 'completed';

/** Strategy alignment: each active goal scored 0-100 against the vision, purpose and core values. */
export const strategyAlignmentAnalysis: AnalysisDefinition<AlignmentRequest, AlignmentFacts, AlignmentResult> = {
  type: 'strategy-alignment',
  summary: 'Scores each active goal 0-100 against the vision, purpose and core values, with the reason and the gap.',
  promptTopic: 'analysis_strategy_alignment',
  requestSchema,
  resultSchema,
  recipe: { sources: ['foundation', 'goals'], historyDays: 0 },
  model: 'standard',
  precompute: ({ snapshot }) => {
    const foundation = snapshot.foundation ?? {};
    const strategy = [
      foundation.vision,
      foundation.purpose,
      ...(foundation.coreValues ?? []).map((value) => `${value.name} ${value.description ?? ''}`),
    ]
      .filter(Boolean)
      .join(' ');
    return {
      strategy,
      goals: (snapshot.goals ?? [])
        .filter((goal) => isActive(goal.status))
        .map((goal) => ({
          id: goal.id,
          title: goal.title,
          status: goal.status ?? 'unknown',
          alignment: alignmentOf(strategy, [goal.title, goal.description, goal.category].join(' ')),
        })),
    };
  },
  validate: (result, facts) => {
    const known = new Set(facts.goals.map((goal) => goal.id));
    const mean =
      result.goals.length === 0 ? 0 : result.goals.reduce((sum, goal) => sum + goal.score, 0) / result.goals.length;
    return [
      ...scoreReasonInconsistencies(result.goals),
      ...result.goals
        .filter((goal) => !known.has(goal.goalId))
        .map((goal) => ({ name: 'unknown_goal', detail: `${goal.goalId} is not one of the tenant's active goals` })),
      ...facts.goals
        .filter((goal) => !result.goals.some((scored) => scored.goalId === goal.id))
        .map((goal) => ({ name: 'goal_not_scored', detail: `goal ${goal.id} ('${goal.title}') has no score` })),
      ...(Math.abs(result.overallScore - mean) > 15
        ? [
            {
              name: 'overall_score_off',
              detail: `overallScore ${result.overallScore} is far from the goals' mean score (${Math.round(mean)})`,
            },
          ]
        : []),
    ];
  },
  offline: (_context, facts) => {
    const goals = facts.goals.map(({ id, title, status, alignment }): GoalAlignment => {
      const { sharedThemes: themes, sharedWords: words } = alignment;
      const shared = [
        ...(themes.length > 0 ? [`the ${joinList([...themes])} theme${themes.length > 1 ? 's' : ''}`] : []),
        ...(words.length > 0 ? [`the word${words.length > 1 ? 's' : ''} ${joinList(words.map((w) => `'${w}'`))}`] : []),
      ];
      const statusBonus = alignment.score > 0 && status === 'on_track' ? 10 : 0;
      return {
        goalId: id,
        title,
        score: Math.min(100, alignment.score + statusBonus),
        reason:
          shared.length > 0
            ? `Shares ${shared.join(' and ')} with the strategy (offline: shared words and themes)`
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
        ...weakest.map((goal) => `Reword '${goal.title}' to name the part of the vision or purpose it serves`),
        ...(goals.length === 0 ? ['Set the goals for this year, each naming the part of the vision it serves'] : []),
        ...(facts.strategy === '' ? ['Write down the vision and purpose, so goals can be checked against them'] : []),
        'Review goal alignment at each quarterly planning session',
        'Link every goal to the core value it expresses',
      ].slice(0, 5),
    };
  },
};
