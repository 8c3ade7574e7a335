import {
  categories,
  insightDraftSchema,
  MAX_INSIGHTS,
  MIN_INSIGHTS,
  type InsightDraft,
} from '../../functions/insights/model';
import type { GenerationInput } from '../../functions/insights/generation';
import { RulesInsightGenerator } from '../../functions/insights/rules-insight-generator';
import { computeSignals } from '../../functions/insights/signals';
import { invocationFor } from '../support/fakes';
import { QUALITY_NOW, type QualityFixture } from './fixtures';

/** What the quality suite measures of one set. */
export interface SetQuality {
  readonly fixture: string;
  readonly count: number;
  readonly schemaValid: boolean;
  /** Share of the numbers the titles and descriptions state that are in the data or the signals computed from it. */
  readonly groundedRate: number;
  readonly repeatedSentences: number;
  readonly strength: boolean;
  readonly categories: readonly string[];
  /** Titles cut with an ellipsis or longer than 60 characters. */
  readonly badTitles: readonly string[];
  /** Pairs of insights about one entity that recommend opposite things ("finish it next" and "plan its first actions"). */
  readonly contradictions: number;
  readonly risks: number;
  readonly opportunities: number;
  /** The fixture's expectations that failed, in words. */
  readonly unmet: readonly string[];
}

const NUMBER = /\d+(?:[.,]\d+)*/g;
const SENTENCE = /[^.!?]+[.!?]+(?=\s|$)/g;

/** Every number anywhere in a value (the data the insights are written from), as written and as a number. */
const numbersIn = (value: unknown, into = new Set<string>()): Set<string> => {
  if (typeof value === 'number') into.add(String(value)).add(String(Math.round(value)));
  else if (typeof value === 'string') for (const n of value.match(NUMBER) ?? []) into.add(n.replace(/,/g, ''));
  else if (value && typeof value === 'object') {
    // Counts of records are stated too ("3 core values", "5 actions are overdue").
    if (Array.isArray(value)) into.add(String(value.length));
    for (const inner of Object.values(value)) numbersIn(inner, into);
  }
  return into;
};

/** Quoted names an insight's actions are about, for the contradiction check. */
const quotedNames = (draft: InsightDraft): string[] =>
  [...`${draft.title} ${draft.suggestedActions.join(' ')}`.matchAll(/'([^']{3,})'/g)].map((m) => m[1] as string);

/** Opposite advice: one insight says an entity is nearly done, another that it needs its first step. */
const ADVANCED = /furthest along|finish it next|nearly (done|there)/i;
const NOT_STARTED = /first actions?|plan its first|has no actions?|get it started/i;

/** Signals of the strengths family: an insight about one is a strength, whatever else it suggests doing. */
const STRENGTH_KINDS = ['strong_performance', 'targets_beaten', 'goals_on_track'];

/** Measures one set of drafts against its fixture. */
export const measureSet = (fixture: QualityFixture, drafts: readonly InsightDraft[]): SetQuality => {
  // Grounded means in the data or in the facts computed from it, not merely in an insight's own evidence list.
  const known = numbersIn([fixture.snapshot, computeSignals(fixture.snapshot, QUALITY_NOW).map((s) => s.facts)]);
  const stated = drafts.flatMap((draft) => `${draft.title} ${draft.description}`.match(NUMBER) ?? []);
  const grounded = stated.filter((n) => known.has(n.replace(/,/g, ''))).length;
  const sentences = drafts.flatMap((draft) => draft.description.match(SENTENCE)?.map((s) => s.trim()) ?? []);
  const repeatedSentences = sentences.length - new Set(sentences).size;
  const byName = new Map<string, { advanced: boolean; notStarted: boolean }>();
  for (const draft of drafts) {
    const text = `${draft.title} ${draft.description} ${draft.suggestedActions.join(' ')}`;
    for (const name of quotedNames(draft)) {
      const seen = byName.get(name) ?? { advanced: false, notStarted: false };
      byName.set(name, {
        advanced: seen.advanced || ADVANCED.test(text),
        notStarted: seen.notStarted || NOT_STARTED.test(text),
      });
    }
  }
  const text = drafts.map((draft) => `${draft.title}. ${draft.description}`).join('\n');
  const strength = drafts.some(
    (draft) => !draft.actionable || STRENGTH_KINDS.some((kind) => draft.signalKey?.startsWith(kind)),
  );
  const risks = drafts.filter((draft) => draft.priority === 'high' || draft.priority === 'critical').length;
  const quality = {
    fixture: fixture.name,
    count: drafts.length,
    // A set with data to speak of has at least MIN_INSIGHTS; an almost empty business may get fewer onboarding steps.
    schemaValid:
      drafts.length >= (fixture.expect.strength ? MIN_INSIGHTS : 1) &&
      drafts.length <= MAX_INSIGHTS &&
      drafts.every((draft) => insightDraftSchema.safeParse(draft).success),
    groundedRate: stated.length === 0 ? 1 : grounded / stated.length,
    repeatedSentences,
    strength,
    categories: categories.filter((category) => drafts.some((draft) => draft.category === category)),
    badTitles: drafts.map((draft) => draft.title).filter((title) => title.length > 60 || title.includes('…')),
    contradictions: [...byName.values()].filter((entity) => entity.advanced && entity.notStarted).length,
    risks,
    opportunities: drafts.length - risks,
  };
  const { expect: e } = fixture;
  const unmet = [
    ...(e.strength && !strength ? ['no strength although the data has one'] : []),
    ...(e.mostly === 'risks' && risks * 2 < drafts.length
      ? [`mostly risks expected, ${risks} of ${drafts.length}`]
      : []),
    ...(e.mostly === 'opportunities' && risks * 2 > drafts.length
      ? [`mostly opportunities expected, ${risks} of ${drafts.length} are risks`]
      : []),
    ...(e.mustSay ?? []).filter((pattern) => !pattern.test(text)).map((pattern) => `does not say ${pattern}`),
    ...(e.mustNotSay ?? []).filter((pattern) => pattern.test(text)).map((pattern) => `says ${pattern}`),
  ];
  return { ...quality, unmet };
};

/** What a generator is given for a fixture: its snapshot and signals at QUALITY_NOW, nothing dismissed. */
export const generationInputFor = (fixture: QualityFixture, strictModel: boolean): GenerationInput => ({
  invocation: invocationFor(fixture.snapshot.tenantId),
  snapshot: fixture.snapshot,
  signals: computeSignals(fixture.snapshot, QUALITY_NOW),
  dismissals: [],
  now: QUALITY_NOW,
  requestType: 'insights',
  strictModel,
});

/** Asserts what every set must be, whoever wrote it (jest's `expect`, so only call it inside a test). */
export const expectAGoodSet = (quality: SetQuality): void => {
  expect(quality.schemaValid).toBe(true);
  expect(quality.groundedRate).toBeGreaterThanOrEqual(0.95);
  expect(quality.repeatedSentences).toBe(0);
  expect(quality.badTitles).toEqual([]);
  expect(quality.contradictions).toBe(0);
  expect(quality.unmet).toEqual([]);
};

/** The rules generator's set for a fixture, measured. */
export const rulesSetQuality = async (fixture: QualityFixture): Promise<SetQuality> => {
  const { drafts } = await new RulesInsightGenerator().generate(generationInputFor(fixture, false));
  return measureSet(fixture, drafts);
};
