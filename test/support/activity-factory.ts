import type { Activity } from '../../functions/nudges/model';

let sequence = 0;

/** An activity of `action` on `entityId` at `occurredAt`, with the given metadata. */
export const anActivity = (
  action: string,
  entityId: string,
  occurredAt: string,
  metadata: Record<string, unknown> = {},
): Activity => ({
  eventId: `e${(sequence += 1)}`,
  action,
  entityType: action.split('_')[0] ?? 'thing',
  entityId,
  metadata,
  occurredAt,
  receivedAt: occurredAt,
});

/** `n` days before `now`, as ISO text. */
export const daysBefore = (now: Date, n: number): string => new Date(now.getTime() - n * 86_400_000).toISOString();
