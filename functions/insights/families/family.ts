import type { BusinessSnapshot } from '../../shared/business-api/model';
import type { TrendReport } from '../../shared/metrics/trends';
import type { Evidence, Signal, SignalKind } from '../model';
import { truncate } from '../text';
import { DEFAULT_TIME_ZONE } from '../../shared/calendar';

/**
 * What every signal family is built from. A family (goals, performance, strengths, actions, issues, foundation) is
 * a folder with its signal computation and payload types (`signals.ts`) and its rule wording (`wording.ts`);
 * `computeSignals` (signals.ts) and the rules generator (rules/selection.ts) list the families.
 */

/** The tunable limits the signals use. */
export interface SignalThresholds {
  /** A goal completion rate (%) below this is low. */
  readonly lowCompletionRate: number;
  /** The completion rate is only judged when at least this many goals are known. */
  readonly minGoalsForCompletionRate: number;
  /** The score a component without a target of its own should reach. */
  readonly componentFloor: number;
  /** A component at least this many points below its target is high priority. */
  readonly wideComponentGap: number;
  /** An overall score below this is low. */
  readonly lowOverallScore: number;
  /** An overall score at or above this is strong. */
  readonly strongOverallScore: number;
  /** An open action with no update for more than this many days has stalled. */
  readonly stalledAfterDays: number;
  /** How many action titles an aggregate action signal names. */
  readonly namedActions: number;
  /** The tenant's IANA time zone: a due date is past once that local day is over (shared/calendar.ts). */
  readonly timeZone: string;
}

/** The default thresholds; `computeSignals` accepts overrides. */
export const defaultSignalThresholds: SignalThresholds = {
  lowCompletionRate: 30,
  minGoalsForCompletionRate: 3,
  componentFloor: 60,
  wideComponentGap: 20,
  lowOverallScore: 60,
  strongOverallScore: 80,
  stalledAfterDays: 14,
  namedActions: 3,
  timeZone: DEFAULT_TIME_ZONE,
};

/**
 * A signal of one kind with its typed payload: the values the signal is about (numbers rounded as stated, dates
 * as calendar days). Its summary and facts are stated from the payload, in one place per kind.
 */
export interface SignalWith<K extends SignalKind, P> extends Signal {
  readonly kind: K;
  readonly payload: P;
}

/** What a signal says: its summary and facts, stated from its payload. */
export type Statement = Pick<Signal, 'summary' | 'facts'>;

/** A signal's identity and weight. */
type SignalHead<K extends SignalKind> = Pick<SignalWith<K, unknown>, 'key' | 'kind' | 'category' | 'priority'>;

/** A signal whose summary and facts are stated from its payload by its kind's `state`. */
export const buildSignal = <K extends SignalKind, P>(
  head: SignalHead<K>,
  payload: P,
  state: (payload: P) => Statement,
): SignalWith<K, P> => ({ ...head, ...state(payload), payload });

/** A family's signal computation: the signals it finds in a snapshot at `now` (and in the history's trends). */
export type FamilySignals<S extends Signal> = (
  snapshot: BusinessSnapshot,
  now: Date,
  thresholds: SignalThresholds,
  trends?: TrendReport,
) => S[];

/** Metric names of signal facts. */
export const factMetrics = {
  goal: 'goal',
  goalId: 'goal id',
  goalStatus: 'goal status',
  progress: 'progress (%)',
  targetDate: 'target date',
  daysPastTarget: 'days past target date',
  owner: 'owner',
  completionRate: 'goal completion rate (%)',
  completedGoals: 'completed goals',
  totalGoals: 'total goals',
  lowCompletionThreshold: 'low completion threshold (%)',
  component: 'score component',
  componentScore: 'component score',
  componentTarget: 'component target',
  componentFloor: 'default component floor',
  pointsBelowTarget: 'points below target',
  overallScore: 'overall score',
  lowScoreThreshold: 'low overall score threshold',
  strongScoreThreshold: 'strong overall score threshold',
  trend: 'score trend',
  strongestComponent: 'strongest component',
  strongestScore: 'strongest component score',
  weakestComponent: 'weakest component',
  weakestScore: 'weakest component score',
  overdueActions: 'overdue actions',
  oldestDueDate: 'oldest due date',
  stalledActions: 'stalled actions',
  stalledAfterDays: 'stalled after days',
  oldestUpdate: 'oldest update',
  blockedActions: 'blocked actions',
  action: 'action',
  issue: 'issue',
  issuePriority: 'issue priority',
  issueStatus: 'issue status',
  openedOn: 'opened on',
  daysOpen: 'days open',
  linkedGoal: 'linked goal',
  vision: 'vision',
  purpose: 'purpose',
  activeGoals: 'active goals',
  keywords: 'keywords checked',
  themes: 'themes checked',
  linkedActions: 'linked actions',
} as const;

const FACT_TEXT_MAX = 200;

/** One fact; text is shortened to what the evidence schema allows. */
export const fact = (source: Evidence['source'], metric: string, value: string | number): Evidence => ({
  source,
  metric,
  value: typeof value === 'string' ? truncate(value, FACT_TEXT_MAX) : value,
});

/** What the rule wording may read besides the signal itself. */
export interface RuleContext {
  readonly snapshot: BusinessSnapshot;
  readonly now: Date;
  /** The tenant's IANA time zone (what "overdue" is judged in); UTC when unknown. */
  readonly timeZone?: string;
}

/** What a kind of signal adds to its summary in a rule insight: a title, why it matters, and what to do. */
export interface Wording {
  readonly title: string;
  readonly why: string;
  readonly actions: readonly string[];
  /** Whether the insight asks for action; true unless said otherwise. */
  readonly actionable?: boolean;
}

/** A family's rule wording: one function per kind of signal the family computes. */
export type FamilyWordings<S extends Signal> = {
  readonly [K in S['kind']]: (signal: Extract<S, { readonly kind: K }>, ctx: RuleContext) => Wording;
};

/**
 * Per-record signals of a family that share one insight when there are many: up to `individual` are written one
 * by one, or one fewer plus a summary of the rest.
 */
export interface SignalGroup {
  readonly kinds: readonly SignalKind[];
  readonly individual: number;
  /** The summary's title. */
  readonly title: string;
  /** The summary's suggested actions, given the summarised records' quoted names. */
  readonly actions: (names: string) => readonly string[];
}
