import { actionWordings } from '../families/actions/wording';
import type { FamilyWordings, RuleContext, SignalGroup, Wording } from '../families/family';
import { foundationWordings } from '../families/foundation/wording';
import { goalGroups, goalWordings } from '../families/goals/wording';
import { issueGroups, issueWordings } from '../families/issues/wording';
import { performanceGroups, performanceWordings } from '../families/performance/wording';
import { strengthWordings } from '../families/strengths/wording';
import { trendGroups, trendWordings } from '../families/trends/wording';
import { fingerprintOf } from '../generation';
import { MAX_INSIGHTS, MIN_INSIGHTS } from '../model';
import type { InsightDraft, SignalKind } from '../model';
import { priorityRank } from '../signals';
import type { ComputedSignal, SignalOf } from '../signals';
import { nameList } from '../text';
import { dataGapDraft, gapTopUps } from './data-gap';
import { DESCRIPTION_MAX, toDraft } from './draft';
import { generalTopUps } from './top-ups';
import type { TopUp } from './top-ups';

/**
 * Which rule insights a set gets: one per signal in its family's wording, except that a group of per-record
 * signals (goals needing attention, open high-impact issues, components below target, goals without actions) shows
 * its top members individually and summarises the rest in one insight; then the highest priorities win. With fewer
 * than five, the set is topped up with one insight per missing source and general insights about the data.
 */

const LISTED_NAMES = 3;

/** How each kind of signal reads as an insight, from the families' wordings. */
const wordings: FamilyWordings<ComputedSignal> = {
  ...goalWordings,
  ...performanceWordings,
  ...strengthWordings,
  ...actionWordings,
  ...issueWordings,
  ...foundationWordings,
  ...trendWordings,
};

/** The families' groups of per-record signals. */
const groups: readonly SignalGroup[] = [...goalGroups, ...performanceGroups, ...issueGroups, ...trendGroups];

/** The wording of a signal of any kind. */
const wordingOf = <K extends SignalKind>(signal: SignalOf<K>, ctx: RuleContext): Wording =>
  wordings[signal.kind](signal, ctx);

const signalDraft = (signal: ComputedSignal, ctx: RuleContext): InsightDraft => {
  const wording = wordingOf(signal, ctx);
  return toDraft({
    title: wording.title,
    description: `${signal.summary} ${wording.why}`,
    category: signal.category,
    priority: signal.priority,
    actionable: wording.actionable ?? true,
    actions: wording.actions,
    evidence: signal.facts,
    signalKey: signal.key,
  });
};

/** Sentences joined in order while they fit in `max` characters. */
const joinSentences = (sentences: readonly string[], max: number): string =>
  sentences.reduce((text, sentence) => {
    const next = text === '' ? sentence : `${text} ${sentence}`;
    return next.length <= max || text === '' ? next : text;
  }, '');

const groupSummary = (
  group: SignalGroup,
  members: readonly ComputedSignal[],
  ctx: RuleContext,
): InsightDraft | undefined => {
  const first = members[0];
  if (first === undefined) return undefined;
  const why = wordingOf(first, ctx).why;
  const evidence = members.flatMap((member) => member.facts[0] ?? []);
  return toDraft({
    title: group.title,
    description: `${joinSentences(
      members.map((member) => member.summary),
      DESCRIPTION_MAX - why.length - 1,
    )} ${why}`,
    category: first.category,
    priority: first.priority,
    actionable: true,
    actions: group.actions(
      nameList(
        evidence.map((item) => String(item.value)),
        LISTED_NAMES,
      ),
    ),
    evidence,
  });
};

/** One draft per signal, with each group beyond its limit folded into a summary placed at its first member. */
const signalDrafts = (signals: readonly ComputedSignal[], ctx: RuleContext): InsightDraft[] => {
  const folded = new Set<ComputedSignal>();
  const summaries = new Map<ComputedSignal, InsightDraft>();
  for (const group of groups) {
    const members = signals.filter((signal) => group.kinds.includes(signal.kind));
    if (members.length <= group.individual) continue;
    const rest = members.slice(group.individual - 1);
    const summary = groupSummary(group, rest, ctx);
    if (rest[0] === undefined || summary === undefined) continue;
    rest.forEach((signal) => folded.add(signal));
    summaries.set(rest[0], summary);
  }
  return signals.flatMap((signal) => summaries.get(signal) ?? (folded.has(signal) ? [] : [signalDraft(signal, ctx)]));
};

const byPriority = (a: InsightDraft, b: InsightDraft): number => priorityRank(a.priority) - priorityRank(b.priority);

/** A strength: an insight that informs (what works) rather than asks for action. */
const isStrength = (draft: InsightDraft): boolean => !draft.actionable;

/** The first `room` drafts, with the best strength in place of the last one when none made it (ranked by priority). */
const keepingAStrength = (ranked: readonly InsightDraft[], room: number): InsightDraft[] => {
  const chosen = ranked.slice(0, room);
  const strength = ranked.slice(room).find(isStrength);
  return strength && !chosen.some(isStrength) && chosen.length > 0 ? [...chosen.slice(0, -1), strength] : chosen;
};

const SENTENCE = /[^.!?]+[.!?]+(?=\s|$)/g;

/**
 * The drafts with every sentence said earlier in the set left out of later descriptions (two insights of one kind
 * share the kind's reason; a reader should meet it once). A description is never emptied: its first sentence stays.
 */
const withoutRepeatedSentences = (drafts: readonly InsightDraft[]): InsightDraft[] => {
  const said = new Set<string>();
  return drafts.map((draft) => {
    const sentences = draft.description.match(SENTENCE)?.map((sentence) => sentence.trim()) ?? [draft.description];
    const fresh = sentences.filter((sentence, i) => i === 0 || !said.has(sentence));
    sentences.forEach((sentence) => said.add(sentence));
    return fresh.length === sentences.length ? draft : { ...draft, description: fresh.join(' ') };
  });
};

/**
 * Picks 5-10 insights for the signals, highest priority first. Suppressed keys and fingerprints (`exclude`) are
 * left out; only if that would leave fewer than five insights are suppressed or redundant top-ups let back in, so
 * the set always meets the minimum, even when every source is missing.
 */
export const selectInsights = (
  signals: readonly ComputedSignal[],
  ctx: RuleContext,
  exclude: ReadonlySet<string>,
): InsightDraft[] => {
  const { gaps } = ctx.snapshot;
  const isExcluded = (draft: InsightDraft): boolean => exclude.has(fingerprintOf(draft));
  const open = signals.filter((signal) => !exclude.has(signal.key));
  const fromSignals = signalDrafts(open, ctx).filter((draft) => !isExcluded(draft));
  if (fromSignals.length >= MIN_INSIGHTS) {
    // Enough signals: the missing sources share one notice, so the set still says what was missing.
    const notice = [dataGapDraft(gaps)].filter(
      (draft): draft is InsightDraft => draft !== undefined && !isExcluded(draft),
    );
    const chosen = keepingAStrength(fromSignals.sort(byPriority), MAX_INSIGHTS - notice.length);
    return withoutRepeatedSentences([...chosen, ...notice].sort(byPriority));
  }
  // All signals, suppressed ones included: a general insight must not repeat what the user dismissed.
  const kinds = new Set(signals.map((signal) => signal.kind));
  const topUps = [...gapTopUps(gaps), ...generalTopUps(ctx)];
  const isFresh = (topUp: TopUp): boolean =>
    !isExcluded(topUp.draft) && !topUp.coveredBy.some((kind) => kinds.has(kind));
  const chosen = [...fromSignals, ...topUps.filter(isFresh).map((topUp) => topUp.draft)];
  const heldBack = topUps.filter((topUp) => !isFresh(topUp)).map((topUp) => topUp.draft);
  return withoutRepeatedSentences(
    [...chosen, ...heldBack.slice(0, Math.max(0, MIN_INSIGHTS - chosen.length))]
      .sort(byPriority)
      .slice(0, MAX_INSIGHTS),
  );
};
