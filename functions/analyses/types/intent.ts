import * as z from '../../shared/zod';
import type { AnalysisDefinition } from '../model';

/** The documented intents of the assistant. */
export const intents = [
  'goal_planning',
  'root_cause',
  'strategy_question',
  'insight_question',
  'account_inquiry',
  'technical_support',
  'billing',
  'feedback',
  'general',
] as const;
/** One documented intent. */
export type Intent = (typeof intents)[number];

const requestSchema = z.object({
  message: z.string().check(z.minLength(1), z.maxLength(4000)),
  context: z.optional(z.string()),
});
/** The request of the intent analysis. */
export type IntentRequest = z.infer<typeof requestSchema>;

/** The result of the intent analysis. */
export interface IntentResult {
  readonly intent: Intent;
  readonly confidence: number;
  readonly entities: readonly string[];
  readonly suggestedActions: readonly string[];
}

const keywords: Readonly<Record<Exclude<Intent, 'general'>, readonly string[]>> = {
  goal_planning: ['goal', 'smart', 'target', 'plan', 'objective', 'achieve'],
  root_cause: ['why', 'drop', 'decline', 'fell', 'cause', 'worse', 'decrease'],
  strategy_question: ['strategy', 'vision', 'purpose', 'values', 'align', 'mission'],
  insight_question: ['insight', 'trend', 'kpi', 'score', 'performance', 'metric'],
  account_inquiry: ['account', 'profile', 'user', 'password', 'login', 'settings'],
  technical_support: ['error', 'bug', 'broken', 'crash', 'not working', 'fails'],
  billing: ['bill', 'invoice', 'price', 'payment', 'subscription', 'charge', 'refund'],
  feedback: ['feedback', 'suggestion', 'love', 'hate', 'complaint', 'thanks'],
};

const nextActions: Readonly<Record<Intent, readonly string[]>> = {
  goal_planning: ['POST /analyses/goal-plan'],
  root_cause: ['POST /analyses/root-cause'],
  strategy_question: ['POST /analyses/strategy-alignment'],
  insight_question: ['GET /insights'],
  account_inquiry: ['Open account settings'],
  technical_support: ['Contact support with the error details'],
  billing: ['Open billing'],
  feedback: ['Send feedback'],
  general: ['Ask a more specific question'],
};

/**
 * The offline keyword classifier (exported for the assistant): counts keyword hits per intent (word starts, so
 * "goals" matches "goal"); the most hits wins, ties by the documented order; no hit is `general` at 0.3.
 */
export const classifyIntent = (message: string): IntentResult => {
  const text = message.toLowerCase();
  const hits = (Object.keys(keywords) as Exclude<Intent, 'general'>[]).map((intent) => {
    const found = keywords[intent].filter((word) => new RegExp(`\\b${word}`).test(text));
    return { intent, found };
  });
  const best = hits.reduce((a, b) => (b.found.length > a.found.length ? b : a));
  if (best.found.length === 0) {
    return { intent: 'general', confidence: 0.3, entities: [], suggestedActions: nextActions.general };
  }
  const total = hits.reduce((sum, hit) => sum + hit.found.length, 0);
  const confidence = Math.round(Math.min(0.95, 0.5 + (0.45 * best.found.length) / total) * 100) / 100;
  return { intent: best.intent, confidence, entities: best.found, suggestedActions: nextActions[best.intent] };
};

/** The intent analysis: one message classified into a documented intent. */
export const intentAnalysis: AnalysisDefinition<IntentRequest, { readonly keyword: IntentResult }, IntentResult> = {
  type: 'intent',
  promptTopic: 'analysis-intent',
  parseRequest: (body) => requestSchema.parse(body),
  recipe: { sources: [], metrics: [] },
  precompute: ({ request }) => ({ keyword: classifyIntent(request.message) }),
  validate: (result) => [
    ...(intents.includes(result.intent)
      ? []
      : [{ name: 'unknown_intent', detail: `"${result.intent}" is not a documented intent` }]),
    ...(result.confidence >= 0 && result.confidence <= 1
      ? []
      : [{ name: 'confidence_out_of_range', detail: `confidence ${result.confidence} is not within 0-1` }]),
  ],
  offline: (_input, facts) => facts.keyword,
};
