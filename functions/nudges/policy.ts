import type { NudgePriority, NudgeSettings, NudgeType } from './model';

/** Nudges delivered at most per user and local day, by coach level. */
export const DAILY_CAPS = { 1: 1, 2: 3, 3: 8 } as const satisfies Record<NudgeSettings['coachLevel'], number>;

export const PRIORITY_RANK: Readonly<Record<NudgePriority, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * Whether the user's settings let a nudge of this type and priority through: the coach on, the type on (patterns
 * only with `patternInsights`), and the level (1: critical only; 2: high and up, plus reactive ones; 3: everything).
 */
export const allowed = (nudge: { type: NudgeType; priority: NudgePriority }, settings: NudgeSettings): boolean => {
  if (!settings.enabled || !settings.types[nudge.type]) return false;
  if (nudge.type === 'pattern' && !settings.patternInsights) return false;
  if (settings.coachLevel === 1) return nudge.priority === 'critical';
  if (settings.coachLevel === 2) return nudge.type === 'action' || PRIORITY_RANK[nudge.priority] <= PRIORITY_RANK.high;
  return true;
};
