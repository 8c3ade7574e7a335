import type { BusinessSnapshot } from '../shared/business-api/model';
import { once } from '../shared/once';
import { lengthBounds } from '../shared/llm/output-repair';
import { scanNumbers, type NumberMention } from '../shared/numbers';
import type { Category, InsightDraft, Priority, Signal } from './model';
import { insightDraftSchema } from './model';
import { wholeWordsWithin } from './text';

/**
 * Keeps the model honest about numbers: every number an insight states must come from the business data or the
 * computed signals. Also the insights' `normalize` hook, which fixes near-misses before validation.
 */

/** What happened to one insight that stated numbers found nowhere in the input. */
export interface GroundingDetail {
  readonly title: string;
  /** The ungrounded numbers as written, e.g. `37%`, `$2.4M`. */
  readonly numbers: string[];
  readonly outcome: 'repaired' | 'dropped';
}

/** The insights that passed (some with sentences removed), and counts for the caller to log. */
export interface GroundingResult {
  readonly grounded: InsightDraft[];
  readonly repaired: number;
  readonly dropped: number;
  readonly details: GroundingDetail[];
}

/** The schema's length bounds the repairs use, read from its JSON Schema on first use (not at cold start). */
const draftBounds = /* @__PURE__ */ once(() => ({
  titleMax: lengthBounds(insightDraftSchema, ['title']).max ?? Infinity,
  description: lengthBounds(insightDraftSchema, ['description']),
  actions: lengthBounds(insightDraftSchema, ['suggestedActions']),
}));

const categorySynonyms: ReadonlyMap<string, Category> = new Map([
  ['strategic', 'strategy'],
  ['ops', 'operations'],
  ['operation', 'operations'],
  ['operational', 'operations'],
  ['financial', 'finance'],
  ['financials', 'finance'],
]);

const prioritySynonyms: ReadonlyMap<string, Priority> = new Map([
  ['urgent', 'critical'],
  ['moderate', 'medium'],
]);

/**
 * Fixes the insights output's common near-misses (the `normalize` hook of `parseModelOutput`): wraps a bare array
 * into `{ insights }`, lower-cases category and priority and maps close synonyms ("urgent" → "critical"),
 * shortens long titles to whole words (no ellipsis, never ending on "and" or "to"), reads "true"/"false" strings as booleans for
 * `actionable`, and keeps the first five suggested actions. Anything else is left for validation to report.
 */
export function normalizeInsightsOutput(value: unknown): unknown {
  if (Array.isArray(value)) return { insights: value.map(normalizeDraft) };
  if (!isRecord(value) || !Array.isArray(value.insights)) return value;
  return { ...value, insights: value.insights.map(normalizeDraft) };
}

/**
 * Checks every number an insight states in its title, description and evidence values against the snapshot and
 * the signals, within rounding. Numbers in suggested actions (recommendations), ordinals, list markers,
 * identifiers ("Q3", "g-12") and 0/1 are not checked. An ungrounded number in the description removes the
 * sentences that state it; one in the title or evidence, or a description left too short, drops the insight.
 */
export function checkGrounding(
  drafts: readonly InsightDraft[],
  snapshot: BusinessSnapshot,
  signals: readonly Signal[],
): GroundingResult {
  const known = knownNumbers(snapshot, signals);
  const ungrounded = (text: string): string[] =>
    scanNumbers(text)
      .filter((mention) => !mention.ignorable && !known.some((value) => matches(mention, value)))
      .map((mention) => mention.text);

  const grounded: InsightDraft[] = [];
  const details: GroundingDetail[] = [];
  for (const draft of drafts) {
    const fatal = [
      ...ungrounded(draft.title),
      ...draft.evidence.flatMap((item) => (typeof item.value === 'boolean' ? [] : ungrounded(String(item.value)))),
    ];
    const sentences = splitSentences(draft.description).map((sentence) => ({
      sentence,
      numbers: ungrounded(sentence),
    }));
    const numbers = [...fatal, ...sentences.flatMap((checked) => checked.numbers)];
    if (numbers.length === 0) {
      grounded.push(draft);
      continue;
    }
    const description = sentences
      .filter((checked) => checked.numbers.length === 0)
      .map((checked) => checked.sentence)
      .join(' ');
    const repairable = fatal.length === 0 && description.length >= (draftBounds().description.min ?? 1);
    if (repairable) grounded.push({ ...draft, description });
    details.push({ title: draft.title, numbers, outcome: repairable ? 'repaired' : 'dropped' });
  }
  const repaired = details.filter((detail) => detail.outcome === 'repaired').length;
  return { grounded, repaired, dropped: details.length - repaired, details };
}

function normalizeDraft(draft: unknown): unknown {
  if (!isRecord(draft)) return draft;
  const { title, category, priority, actionable, suggestedActions } = draft;
  return {
    ...draft,
    title:
      typeof title === 'string' && title.trim().length > draftBounds().titleMax
        ? wholeWordsWithin(title.trim(), draftBounds().titleMax)
        : title,
    category: canonical(category, categorySynonyms),
    priority: canonical(priority, prioritySynonyms),
    actionable: typeof actionable === 'string' ? parseBoolean(actionable) : actionable,
    suggestedActions: Array.isArray(suggestedActions)
      ? suggestedActions.slice(0, draftBounds().actions.max)
      : suggestedActions,
  };
}

function canonical(value: unknown, synonyms: ReadonlyMap<string, string>): unknown {
  if (typeof value !== 'string') return value;
  const key = value.trim().toLowerCase();
  return synonyms.get(key) ?? key;
}

function parseBoolean(value: string): boolean | string {
  const key = value.trim().toLowerCase();
  return key === 'true' || key === 'false' ? key === 'true' : value;
}

/**
 * A number found in the input. Parts of dates and times and list sizes are `exact`: they ground only the same
 * plain number, so that a day of the month cannot ground a percentage within a point of it.
 */
interface KnownNumber {
  readonly value: number;
  readonly exact: boolean;
}

/** A stated number matches a source value within its rounding; a percentage also matches a 0-1 fraction. */
function matches(mention: NumberMention, known: KnownNumber): boolean {
  if (known.exact) return !mention.percent && mention.value === known.value;
  const near = (candidate: number): boolean => Math.abs(mention.value - candidate) <= mention.tolerance;
  return near(known.value) || (mention.percent && known.value <= 1 && near(known.value * 100));
}

/** Every number in the business data (values, numbers inside strings, list sizes) and in the signals. */
function knownNumbers(snapshot: BusinessSnapshot, signals: readonly Signal[]): KnownNumber[] {
  const { fetchedAt, foundation, goals, goalStats, performance, actions, issues } = snapshot;
  const signalValues = signals.flatMap((signal) => [
    signal.summary,
    ...signal.facts.flatMap((fact) => [fact.metric, fact.value]),
  ]);
  return [
    ...numbersIn({ fetchedAt, foundation, goals, goalStats, performance, actions, issues }),
    ...signalValues.flatMap((value) => [...numbersIn(value)]),
  ];
}

function* numbersIn(value: unknown): Generator<KnownNumber> {
  if (typeof value === 'number') yield { value: Math.abs(value), exact: false };
  else if (typeof value === 'string') {
    const exact = /^\d{4}-\d{2}-\d{2}/.test(value);
    for (const mention of scanNumbers(value)) if (!mention.ignorable) yield { value: mention.value, exact };
  } else if (Array.isArray(value)) {
    yield { value: value.length, exact: true };
    for (const item of value) yield* numbersIn(item);
  } else if (isRecord(value)) for (const item of Object.values(value)) yield* numbersIn(item);
}

/** Sentences end at `.`, `!` or `?` followed by space and a capital, digit or quote; lines are sentences too. */
function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'“(])|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
