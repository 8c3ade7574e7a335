import type { BusinessSnapshot } from '../shared/business-api/model';
import { actionSignals } from './families/actions/signals';
import type { ActionSignal } from './families/actions/signals';
import { defaultSignalThresholds } from './families/family';
import type { FamilySignals, SignalThresholds } from './families/family';
import { foundationSignals } from './families/foundation/signals';
import type { FoundationSignal } from './families/foundation/signals';
import { goalSignals } from './families/goals/signals';
import type { GoalSignal } from './families/goals/signals';
import { issueSignals } from './families/issues/signals';
import type { IssueSignal } from './families/issues/signals';
import { performanceSignals } from './families/performance/signals';
import type { PerformanceSignal } from './families/performance/signals';
import { strengthSignals } from './families/strengths/signals';
import type { StrengthSignal } from './families/strengths/signals';
import { trendSignals } from './families/trends/signals';
import type { TrendSignal } from './families/trends/signals';
import type { TrendReport } from '../shared/metrics/trends';
import { priorities } from './model';
import type { Priority, Signal, SignalKind } from './model';

/** The default thresholds and the fact metric names, for callers of `computeSignals`. */
export { defaultSignalThresholds, factMetrics } from './families/family';

/**
 * Deterministic signals: facts computed from one business snapshot. They are handed to the model as ground truth
 * and turned into insights by the rules generator when the model is unavailable.
 *
 * Conventions:
 * - Percentages and scores are rounded to whole numbers BEFORE they are compared or stated, so a summary never
 *   says "30% is below 30%", and every number in a summary is one of the signal's facts.
 * - Dates are read as dates.ts says, so the result never depends on the host's time zone.
 * - Keys name the situation, never the day (`goal_at_risk:<goalId>`, `overdue_actions`), so a dismissal keeps
 *   suppressing the same situation; day counts live in the summary and facts only.
 */

/** A computed signal: a union discriminated on `kind`, each kind with its typed payload. */
export type ComputedSignal =
  GoalSignal | PerformanceSignal | StrengthSignal | ActionSignal | IssueSignal | FoundationSignal | TrendSignal;

/** The computed signal of one kind. */
export type SignalOf<K extends SignalKind> = Extract<ComputedSignal, { readonly kind: K }>;

/** The signal families, each computing its own kinds of signal. */
const families: readonly FamilySignals<ComputedSignal>[] = [
  goalSignals,
  performanceSignals,
  strengthSignals,
  actionSignals,
  issueSignals,
  foundationSignals,
  trendSignals,
];

/** Sort position of a priority: critical first. */
export const priorityRank = (priority: Priority): number => priorities.length - 1 - priorities.indexOf(priority);

const bySeverity = (a: Signal, b: Signal): number =>
  priorityRank(a.priority) - priorityRank(b.priority) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const uniqueByKey = <S extends Signal>(signals: readonly S[]): S[] => {
  const seen = new Set<string>();
  return signals.filter((signal) => !seen.has(signal.key) && seen.add(signal.key));
};

/**
 * The trend signals of a history's report alone (no snapshot: the trends family reads only the report), one per key,
 * sorted as computeSignals sorts them (critical first).
 */
export const rankedTrendSignals = (tenantId: string, report: TrendReport, now: Date): TrendSignal[] => {
  const noSnapshot: BusinessSnapshot = { tenantId, fetchedAt: now.toISOString(), gaps: [], dropped: {} };
  return uniqueByKey(trendSignals(noSnapshot, now, defaultSignalThresholds, report)).sort(bySeverity);
};

/**
 * Computes the deterministic signals of a snapshot at `now` (with the trends of the tenant's metric history, when
 * there is one): pure, one signal per key (the first wins when two records share an id), sorted by priority
 * (critical first) then key.
 */
export const computeSignals = (
  snapshot: BusinessSnapshot,
  now: Date,
  thresholds: Partial<SignalThresholds> = {},
  trends?: TrendReport,
): ComputedSignal[] => {
  const t: SignalThresholds = { ...defaultSignalThresholds, ...thresholds };
  return uniqueByKey(families.flatMap((family) => family(snapshot, now, t, trends))).sort(bySeverity);
};
