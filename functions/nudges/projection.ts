import { actionMetadataSchemas, nudgePriorities, type Activity, type KnownAction, type NudgePriority } from './model';
import * as z from '../shared/zod';

const instant = z.iso.datetime();

/** A task as its events leave it. */
export const taskStateSchema = z.object({
  id: z.string(),
  title: z.optional(z.string()),
  priority: z.enum(nudgePriorities),
  dueDate: z.optional(z.string()),
  createdAt: instant,
  completedAt: z.optional(instant),
});
export type TaskState = Readonly<z.infer<typeof taskStateSchema>>;

/** A deal as its events leave it: its stage and since when, and how it closed. */
export const dealStateSchema = z.object({
  id: z.string(),
  name: z.optional(z.string()),
  value: z.number(),
  stage: z.string(),
  stageSince: instant,
  createdAt: instant,
  source: z.optional(z.string()),
  contactName: z.optional(z.string()),
  closedAt: z.optional(instant),
  won: z.optional(z.boolean()),
  daysToClose: z.optional(z.number()),
});
export type DealState = Readonly<z.infer<typeof dealStateSchema>>;

/** A contact (a lead while its status says so) and its last touch. */
export const contactStateSchema = z.object({
  id: z.string(),
  name: z.optional(z.string()),
  source: z.string(),
  status: z.string(),
  createdAt: instant,
  lastTouchAt: instant,
});
export type ContactState = Readonly<z.infer<typeof contactStateSchema>>;

/** What a user's activity history says of their entities, projected from the events in time order. */
export interface EntityState {
  readonly tasks: ReadonlyMap<string, TaskState>;
  readonly deals: ReadonlyMap<string, DealState>;
  readonly contacts: ReadonlyMap<string, ContactState>;
  /** Every task completion, in time order (tasks created before the history began included). */
  readonly completions: readonly { readonly at: string; readonly priority: NudgePriority }[];
}

type Metadata<A extends KnownAction> = z.output<(typeof actionMetadataSchemas)[A]>;

/** The activity's metadata under its action's schema, or undefined for an unknown action or invalid metadata. */
export const metadataOf = <A extends KnownAction>(activity: Activity, action: A): Metadata<A> | undefined => {
  if (activity.action !== action) return undefined;
  const parsed = actionMetadataSchemas[action].safeParse(activity.metadata);
  return parsed.success ? (parsed.data as Metadata<A>) : undefined;
};

/** Statuses of a contact that still needs a first contact or a follow-up. */
export const LEAD_STATUSES = new Set(['lead', 'new', 'prospect']);

/** Where an activity sorts in a history: by occurredAt, then eventId (plain string order: ISO instants sort in time). */
export const orderKey = (activity: Pick<Activity, 'occurredAt' | 'eventId'>): string =>
  `${activity.occurredAt}|${activity.eventId}`;

/** The actions that change an entity's state; every other action leaves the projection as it is. */
export const PROJECTED_ACTIONS: ReadonlySet<string> = new Set<KnownAction>([
  'task_created',
  'task_completed',
  'deal_created',
  'deal_stage_changed',
  'deal_closed',
  'contact_created',
  'contact_contacted',
]);

type Projecting = {
  tasks: Map<string, TaskState>;
  deals: Map<string, DealState>;
  contacts: Map<string, ContactState>;
  completions: { at: string; priority: NudgePriority }[];
};

/** Applies one activity, the latest of its entity so far, to the state. */
const applyActivity = (state: Projecting, activity: Activity): void => {
  const { tasks, deals, contacts, completions } = state;
  const { entityId: id, occurredAt: at } = activity;
  const created = metadataOf(activity, 'task_created');
  if (created) {
    tasks.set(id, { id, priority: created.priority, createdAt: at, title: created.title, dueDate: created.due_date });
  }
  const completed = metadataOf(activity, 'task_completed');
  if (completed) {
    const task = tasks.get(id) ?? { id, priority: completed.priority, createdAt: at };
    tasks.set(id, { ...task, completedAt: at });
    completions.push({ at, priority: completed.priority });
  }
  const deal = metadataOf(activity, 'deal_created');
  if (deal) {
    deals.set(id, {
      id,
      name: deal.name,
      value: deal.value,
      stage: deal.stage,
      stageSince: at,
      createdAt: at,
      source: deal.source,
    });
  }
  const moved = metadataOf(activity, 'deal_stage_changed');
  if (moved) {
    const current = deals.get(id) ?? { id, value: 0, stage: moved.old_stage, stageSince: at, createdAt: at };
    deals.set(id, { ...current, stage: moved.new_stage, stageSince: at });
  }
  const closed = metadataOf(activity, 'deal_closed');
  if (closed) {
    const current = deals.get(id) ?? { id, value: closed.value, stage: 'unknown', stageSince: at, createdAt: at };
    deals.set(id, {
      ...current,
      value: closed.value,
      won: closed.won,
      closedAt: at,
      daysToClose: closed.days_to_close,
      source: closed.source ?? current.source,
      contactName: closed.contact_name,
    });
  }
  const contact = metadataOf(activity, 'contact_created');
  if (contact) {
    contacts.set(id, {
      id,
      name: contact.name,
      source: contact.source,
      status: contact.status,
      createdAt: at,
      lastTouchAt: at,
    });
  }
  const touched = contacts.get(id);
  if (touched && activity.action === 'contact_contacted') contacts.set(id, { ...touched, lastTouchAt: at });
};

const byOrderKey = (a: Activity, b: Activity): number => {
  const [ka, kb] = [orderKey(a), orderKey(b)];
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** The state with one more activity applied: one later than every event its entity had. */
export const projectOnto = (state: EntityState, activity: Activity): EntityState => {
  const next: Projecting = {
    tasks: new Map(state.tasks),
    deals: new Map(state.deals),
    contacts: new Map(state.contacts),
    completions: [...state.completions],
  };
  applyActivity(next, activity);
  return next;
};

/** The entity state after `activities` (any order: they are applied in orderKey order). */
export const project = (activities: readonly Activity[]): EntityState => {
  const state: Projecting = { tasks: new Map(), deals: new Map(), contacts: new Map(), completions: [] };
  for (const activity of [...activities].sort(byOrderKey)) applyActivity(state, activity);
  return state;
};

/** Open tasks: created, not completed. */
export const openTasks = (state: EntityState): TaskState[] =>
  [...state.tasks.values()].filter((task) => task.completedAt === undefined);

/** Deals not closed yet. */
export const openDeals = (state: EntityState): DealState[] =>
  [...state.deals.values()].filter((deal) => deal.closedAt === undefined);

/** Contacts whose status makes them a lead. */
export const leads = (state: EntityState): ContactState[] =>
  [...state.contacts.values()].filter((contact) => LEAD_STATUSES.has(contact.status.toLowerCase()));
