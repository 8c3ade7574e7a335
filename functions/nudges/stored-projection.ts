import * as z from '../shared/zod';
import type { Activity } from './model';
import {
  contactStateSchema,
  dealStateSchema,
  orderKey,
  project,
  projectOnto,
  PROJECTED_ACTIONS,
  taskStateSchema,
  type EntityState,
} from './projection';

/**
 * The most entities a stored projection holds (it must fit one DynamoDB item, 400 KB, with room: about 250 bytes an
 * entity). A user with more is projected from their full history on every read, as before the projection was stored.
 */
export const MAX_STORED_ENTITIES = 1_500;

/**
 * A user's entity state as the store keeps it, kept up to date on every ingest so the time and reactive rules read
 * one item instead of the whole history. Completed tasks are left out (no time or reactive rule reads them; the
 * patterns project the full history), `last` keeps the orderKey of the latest event applied to each entity, which
 * tells an event that arrives out of order (it needs a rebuild from the history), and `activityCount` counts every
 * activity recorded (the patterns' "enough new activity" test).
 */
export const storedProjectionSchema = z.object({
  tasks: z.array(taskStateSchema),
  deals: z.array(dealStateSchema),
  contacts: z.array(contactStateSchema),
  last: z.record(z.string(), z.string()),
  activityCount: z.number().check(z.int(), z.minimum(0)),
});
export type StoredProjection = z.infer<typeof storedProjectionSchema>;

/** The stored shape of a state, or undefined when it holds more than MAX_STORED_ENTITIES entities. */
const stored = (
  state: EntityState,
  last: Readonly<Record<string, string>>,
  activityCount: number,
): StoredProjection | undefined =>
  Object.keys(last).length > MAX_STORED_ENTITIES
    ? undefined
    : {
        tasks: [...state.tasks.values()].filter((task) => task.completedAt === undefined),
        deals: [...state.deals.values()],
        contacts: [...state.contacts.values()],
        last: { ...last },
        activityCount,
      };

/** The entity state a stored projection holds (no completed tasks, no completions: see storedProjectionSchema). */
export const restore = (projection: StoredProjection): EntityState => ({
  tasks: new Map(projection.tasks.map((task) => [task.id, task])),
  deals: new Map(projection.deals.map((deal) => [deal.id, deal])),
  contacts: new Map(projection.contacts.map((contact) => [contact.id, contact])),
  completions: [],
});

/** The stored projection of a whole history (undefined past MAX_STORED_ENTITIES). */
export const rebuild = (activities: readonly Activity[]): StoredProjection | undefined => {
  const last: Record<string, string> = {};
  for (const activity of activities) {
    if (!PROJECTED_ACTIONS.has(activity.action)) continue;
    const key = orderKey(activity);
    if ((last[activity.entityId] ?? '') < key) last[activity.entityId] = key;
  }
  return stored(project(activities), last, activities.length);
};

/** What applying one more activity to a stored projection gives. */
export type Advance =
  /** The projection with the activity (undefined: it now holds more than MAX_STORED_ENTITIES entities). */
  | { readonly kind: 'applied'; readonly projection: StoredProjection | undefined }
  /** The activity is the latest its entity had: it was applied before. */
  | { readonly kind: 'applied_before' }
  /** An earlier event than its entity's latest: only a rebuild from the history places it right. */
  | { readonly kind: 'out_of_order' };

/**
 * The projection with one newly recorded activity: what `rebuild` of the history with it would give, as long as the
 * activity is later than every event its entity had (otherwise `out_of_order`).
 */
export const advance = (projection: StoredProjection, activity: Activity): Advance => {
  const activityCount = projection.activityCount + 1;
  if (!PROJECTED_ACTIONS.has(activity.action)) return { kind: 'applied', projection: { ...projection, activityCount } };
  const key = orderKey(activity);
  const latest = projection.last[activity.entityId];
  if (latest === key) return { kind: 'applied_before' };
  if (latest !== undefined && key < latest) return { kind: 'out_of_order' };
  const state = projectOnto(restore(projection), activity);
  return {
    kind: 'applied',
    projection: stored(state, { ...projection.last, [activity.entityId]: key }, activityCount),
  };
};
