import type { BusinessSnapshot } from '../shared/business-api/model';
import type { InsightDraft } from './model';
import { selectInsights } from './rules/selection';
import type { ComputedSignal } from './signals';

/**
 * The deterministic insight writer: turns signals into 5-10 grounded insights when the model is unavailable (and
 * locally by default). Every number it writes is a signal fact or a value (or count of records) in the snapshot.
 * Each signal family words its own signals (families/<family>/wording.ts); rules/ holds what they share: draft
 * limits, selection, top-ups and the data-gap notice.
 */

/** Options of `generateRuleInsights`. */
export interface RuleInsightOptions {
  /** Suppressed signal keys or fingerprints (see `fingerprintOf`); matching insights are left out. */
  readonly exclude?: ReadonlySet<string>;
  /** The tenant's IANA time zone (what "overdue" is judged in); UTC when absent. */
  readonly timeZone?: string;
}

/**
 * Turns signals into 5-10 grounded insights, highest priority first. Suppressed keys and fingerprints are left
 * out; only if that would leave fewer than five insights are suppressed or redundant top-ups let back in, so the
 * set always meets the minimum, even when every source is missing.
 */
export const generateRuleInsights = (
  snapshot: BusinessSnapshot,
  signals: readonly ComputedSignal[],
  now: Date,
  options: RuleInsightOptions = {},
): InsightDraft[] =>
  selectInsights(
    signals,
    { snapshot, now, ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }) },
    options.exclude ?? new Set(),
  );
