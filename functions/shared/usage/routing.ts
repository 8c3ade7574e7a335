import type { ModelPrice } from '../config';
import { baseModelId } from './pricing';

/** How demanding a request looks; decides whether a template's fast model may serve it. */
export type Complexity = 'simple' | 'moderate' | 'complex';

/** A complexity verdict with the score it came from and the cues that moved the score. */
export interface ComplexityScore {
  complexity: Complexity;
  score: number;
  reasons: string[];
}

/** At most this many words: `short_text` (-1). */
export const SHORT_TEXT_WORDS = 8;
/** A text with exactly one `?` and at most this many words: `single_short_question` (-1). */
export const SHORT_QUESTION_WORDS = 15;
/** At least this many characters: `medium_text` (+1). */
export const MEDIUM_TEXT_CHARS = 400;
/** At least this many characters: `long_text` (+2, instead of `medium_text`). */
export const LONG_TEXT_CHARS = 1500;
/** At least this many characters: `very_long_text` (+COMPLEX_MIN_SCORE, so the text is always complex). */
export const VERY_LONG_TEXT_CHARS = 4000;
/** At least this many `?`: `several_questions` (+2). */
export const SEVERAL_QUESTIONS = 2;
/** At least this many sentences: `several_sentences` (+1). */
export const SEVERAL_SENTENCES = 3;
/** At least this many numbered items or bullet lines: `numbered_list` (+2). */
export const LIST_ITEMS = 2;
/** A score at or below this is simple. */
export const SIMPLE_MAX_SCORE = -1;
/** A score at or above this is complex; between the two it is moderate. */
export const COMPLEX_MIN_SCORE = 4;

/** Analytical asks, +1 each (once per keyword), reported as `keyword:<name>`. */
const COMPLEX_KEYWORDS: ReadonlyArray<readonly [string, RegExp]> = [
  ['analyze', /\banaly[sz]/],
  ['compare', /\bcompar(e|es|ed|ing|ison)\b/],
  ['strategy', /\bstrateg/],
  ['plan', /\bplan(s|ned|ning)?\b/],
  ['why', /\bwhy\b/],
  ['trade-off', /\btrade[- ]?offs?\b/],
  ['root cause', /\broot[- ]causes?\b/],
  ['forecast', /\b(forecast|project(ion|ions|ed))/],
  ['prioritize', /\bprioriti[sz]/],
  ['evaluate', /\bevaluat/],
  ['diagnose', /\bdiagnos/],
  ['scenario', /\bscenarios?\b/],
  ['pros and cons', /\bpros and cons\b/],
  ['optimize', /\boptimi[sz]/],
  ['implications', /\bimplications?\b/],
];

/** Greetings and acknowledgements; only counted in a short text (`acknowledgement`, -2). */
const ACKNOWLEDGEMENT =
  /\b(thanks|thank you|thx|ok|okay|yes|no|yep|nope|sure|hi|hello|hey|got it|great|cool|perfect|sounds good)\b/;
/** `first … then`, or a `then` that follows a comma or `and`: `sequenced_steps` (+2). */
const SEQUENCE = /\bfirst\b[\s\S]*\bthen\b|(,|\band)\s+then\b|\b(after that|afterwards)\b/;
const STEP_BY_STEP = /\bstep[- ]by[- ]step\b/;
/** `and also`, `in addition`…: `additional_asks` (+1). */
const ADDITIONAL_ASKS = /\b(and also|in addition|additionally|as well as)\b/;
/** `1.`, `2)`, `(3)` at a line start or after a space, and `-`, `*`, `•` bullets at a line start. */
const LIST_ITEM = /(^|\s)\(?\d{1,2}[.)]\s+\S|^\s*[-*•]\s+\S/gm;

const countMatches = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/**
 * Scores how demanding a request text is, from its length, analytical keywords, simple cues and multi-step
 * cues. Deterministic; `reasons` names every cue that moved the score (weights are in the constants' docs).
 */
export const scoreComplexity = (text: string): ComplexityScore => {
  const lower = text.toLowerCase();
  const words = lower.split(/\s+/).filter(Boolean).length;
  const questions = countMatches(lower, /\?/g);
  const sentences = lower.split(/[.!?]+(?:\s+|$)/).filter((part) => part.trim().length > 0).length;
  let score = 0;
  const reasons: string[] = [];
  const add = (points: number, reason: string): void => {
    score += points;
    reasons.push(reason);
  };

  if (text.length >= VERY_LONG_TEXT_CHARS) add(COMPLEX_MIN_SCORE, 'very_long_text');
  else if (text.length >= LONG_TEXT_CHARS) add(2, 'long_text');
  else if (text.length >= MEDIUM_TEXT_CHARS) add(1, 'medium_text');
  if (words <= SHORT_TEXT_WORDS) {
    add(-1, 'short_text');
    if (ACKNOWLEDGEMENT.test(lower)) add(-2, 'acknowledgement');
  }
  if (questions === 1 && words <= SHORT_QUESTION_WORDS) add(-1, 'single_short_question');

  for (const [keyword, pattern] of COMPLEX_KEYWORDS) {
    if (pattern.test(lower)) add(1, `keyword:${keyword}`);
  }

  if (countMatches(text, LIST_ITEM) >= LIST_ITEMS) add(2, 'numbered_list');
  if (SEQUENCE.test(lower)) add(2, 'sequenced_steps');
  if (STEP_BY_STEP.test(lower)) add(2, 'step_by_step');
  if (questions >= SEVERAL_QUESTIONS) add(2, 'several_questions');
  if (sentences >= SEVERAL_SENTENCES) add(1, 'several_sentences');
  if (ADDITIONAL_ASKS.test(lower)) add(1, 'additional_asks');

  const complexity: Complexity =
    score >= COMPLEX_MIN_SCORE ? 'complex' : score <= SIMPLE_MAX_SCORE ? 'simple' : 'moderate';
  return { complexity, score, reasons };
};

/** At or above this fraction of the tighter monthly budget used, the cheapest model goes first. */
export const NEAR_BUDGET_UTILIZATION = 0.9;

/**
 * Why the first candidate is first: the primary; the fast model for a simple request; the cheapest near the budget; or
 * `capability_fallback` when the model that would have gone first lacks what the request needs.
 */
export type RoutingReason = 'primary' | 'fast_model' | 'near_budget_cheapest' | 'capability_fallback';

/**
 * A model that was moved to the end of the order (`cooldown`: still tried when nothing else is left), or left out
 * because it lacks a capability the request needs (`incapable`, with the capability it lacks, from misfitOf).
 */
export type SkippedModel =
  { modelId: string; reason: 'cooldown' } | { modelId: string; reason: 'incapable'; lacks: string };

/** What routing needs: the template's models, the request's complexity, budget state and cooldowns. */
export interface RoutingInput {
  readonly primary: string;
  readonly fallbacks: readonly string[];
  readonly fast?: string;
  readonly complexity: Complexity;
  /** Fraction (0..1+) of the tighter of the tenant's monthly token and cost budgets already used. */
  readonly budgetUtilization: number;
  /** Per-1K-token prices by model id; inference-profile prefixes are ignored on lookup. */
  readonly prices: Readonly<Record<string, Pick<ModelPrice, 'inputPer1k' | 'outputPer1k'>>>;
  readonly isCoolingDown: (modelId: string) => boolean;
  /** The capability a model lacks for this request, or undefined when it can serve it (default: every model can). */
  readonly lacks?: (modelId: string) => string | undefined;
}

/** The models to try, in order, and why that order. */
export interface RoutingDecision {
  /** Only models that can serve the request; empty when none of the template's models can. */
  candidates: string[];
  reason: RoutingReason;
  complexity: Complexity;
  /** Models cooling down (still in `candidates`, after every model that is not), then those left out as incapable. */
  skipped: SkippedModel[];
}

const unique = (modelIds: readonly string[]): string[] => [...new Set(modelIds)];

/** Input plus output price per 1K tokens; a model with no price counts as the most expensive. */
const pricePer1k = (modelId: string, prices: RoutingInput['prices']): number => {
  const price = prices[modelId] ?? prices[baseModelId(modelId)];
  return price ? price.inputPer1k + price.outputPer1k : Number.POSITIVE_INFINITY;
};

/** The first model with the lowest price (ties keep the given order). */
const cheapest = (modelIds: readonly string[], prices: RoutingInput['prices']): string | undefined =>
  modelIds.reduce<string | undefined>(
    (best, modelId) => (best === undefined || pricePer1k(modelId, prices) < pricePer1k(best, prices) ? modelId : best),
    undefined,
  );

const everyModelFits = (): undefined => undefined;

/**
 * Orders the models to try for one request. Only models that can serve it (`lacks`) are candidates; the others are
 * skipped as `incapable`. Near the budget the cheapest capable model (the fast one included) goes first; otherwise a
 * simple request starts on the fast model when the template names one; otherwise the primary; when the model that
 * would go first is incapable, the next capable one does (a skipped fast model hands over to the primary; anything
 * else is a `capability_fallback`, the fast model last of all). Models cooling down move to the end, in order, so they
 * are still tried when nothing else is left.
 */
export const routeModels = (input: RoutingInput): RoutingDecision => {
  const { primary, fallbacks, fast, complexity, budgetUtilization, prices, isCoolingDown } = input;
  const lacks = input.lacks ?? everyModelFits;
  const fits = (modelId: string): boolean => lacks(modelId) === undefined;
  const useFast = complexity === 'simple' && fast !== undefined;
  const wanted = unique(useFast ? [fast, primary, ...fallbacks] : [primary, ...fallbacks]);
  const incapable = wanted.filter((modelId) => !fits(modelId));
  let ordered = wanted.filter(fits);
  // When none of the others can, the fast model serves whatever the request's complexity.
  if (ordered.length === 0 && fast !== undefined && fits(fast)) ordered = [fast];
  let reason: RoutingReason =
    useFast && ordered[0] === fast ? 'fast_model' : ordered[0] === primary ? 'primary' : 'capability_fallback';

  if (budgetUtilization >= NEAR_BUDGET_UTILIZATION && ordered.length > 0) {
    const pool = unique(fast !== undefined && fits(fast) ? [...ordered, fast] : ordered);
    const first = cheapest(pool, prices) ?? primary;
    ordered = [first, ...ordered.filter((modelId) => modelId !== first)];
    reason = 'near_budget_cheapest';
  }

  const cooling = ordered.filter((modelId) => isCoolingDown(modelId));
  return {
    candidates: [...ordered.filter((modelId) => !cooling.includes(modelId)), ...cooling],
    reason,
    complexity,
    skipped: [
      ...cooling.map((modelId): SkippedModel => ({ modelId, reason: 'cooldown' })),
      ...incapable.map((modelId): SkippedModel => ({ modelId, reason: 'incapable', lacks: lacks(modelId) as string })),
    ],
  };
};

/**
 * Models throttled recently, for one Lambda container or process: a model cools down for `cooldownMs` after
 * its last throttle. Methods are bound, so `isCoolingDown` can be passed to `routeModels` as is.
 */
export class ModelCooldowns {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts (or restarts) the model's cooldown. */
  readonly markThrottled = (modelId: string): void => {
    this.until.set(modelId, this.now() + this.cooldownMs);
  };

  /** True until `cooldownMs` after the model's last throttle; forgets expired entries. */
  readonly isCoolingDown = (modelId: string): boolean => {
    const until = this.until.get(modelId);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.until.delete(modelId);
    return false;
  };
}
