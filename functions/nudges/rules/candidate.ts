import type { NudgeEvidence, NudgePhrasing, NudgePriority, NudgeType } from '../model';

/** What a rule proposes: a nudge before the user's settings, caps and cooldowns decide whether it is raised. */
export interface NudgeCandidate {
  readonly type: NudgeType;
  readonly rule: string;
  readonly entityType?: string;
  readonly entityId?: string;
  readonly message: string;
  readonly priority: NudgePriority;
  readonly suggestedAction?: string;
  readonly actionParams?: Readonly<Record<string, string | number | boolean>>;
  readonly evidence: readonly NudgeEvidence[];
  /** Whose words `message` is; set by the phrasing step (phrasing.ts), never by a rule. */
  readonly phrasing?: NudgePhrasing;
  /** How long it is worth showing. */
  readonly ttlHours: number;
  /** The same rule and entity is not raised again for this long. */
  readonly cooldownHours: number;
}

/** `$12,500`: whole dollars, as the messages write money. */
export const dollars = (value: number): string => `$${Math.round(value).toLocaleString('en-US')}`;

/** `1 task`, `3 tasks`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Whole days from `from` to `now` (rounded down). */
export const wholeDays = (from: string, now: Date): number => Math.floor((now.getTime() - Date.parse(from)) / DAY_MS);
