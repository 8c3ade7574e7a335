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

/** The request of the intent analysis (also the body of `POST /ai/analyze-intent`). */
export const intentRequestSchema = z.strictObject({
  message: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
  /** What the user is looking at or did before (e.g. `{ currentPage }`, or free text); the model reads it as given. */
  context: z.optional(z.union([z.string().check(z.maxLength(2000)), z.record(z.string(), z.unknown())])),
});
/** The request of the intent analysis. */
export type IntentRequest = z.infer<typeof intentRequestSchema>;

const resultSchema = z.object({
  intent: z.enum(intents),
  confidence: z.number().check(z.minimum(0), z.maximum(1)),
  /** The words or names in the message the intent rests on. */
  entities: z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(20)),
  suggestedActions: z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.minLength(1), z.maxLength(5)),
});
/** The result of the intent analysis. */
export type IntentResult = z.infer<typeof resultSchema>;

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
    return { intent: 'general', confidence: 0.3, entities: [], suggestedActions: [...nextActions.general] };
  }
  const total = hits.reduce((sum, hit) => sum + hit.found.length, 0);
  const confidence = Math.round(Math.min(0.95, 0.5 + (0.45 * best.found.length) / total) * 100) / 100;
  return { intent: best.intent, confidence, entities: best.found, suggestedActions: [...nextActions[best.intent]] };
};

/** The intent analysis: one message classified into a documented intent, on the fast model. */
export const intentAnalysis: AnalysisDefinition<IntentRequest, { readonly keyword: IntentResult }, IntentResult> = {
  type: 'intent',
  summary: `Classifies one message into a documented intent (${intents.join(', ')}), with entities and next steps.`,
  promptTopic: 'analysis_intent',
  requestSchema: intentRequestSchema,
  resultSchema,
  recipe: { sources: [], historyDays: 0 },
  model: 'fast',
  precompute: ({ request }) => ({ keyword: classifyIntent(request.message) }),
  validate: (result, _facts, { request }) =>
    result.entities
      .filter((entity) => !request.message.toLowerCase().includes(entity.toLowerCase()))
      .map((entity) => ({ name: 'entity_not_in_message', detail: `"${entity}" does not appear in the message` })),
  offline: (_context, facts) => facts.keyword,
};
