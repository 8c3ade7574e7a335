import { actionMetadataSchemas, type Activity, type KnownAction, type NudgePriority } from './model';
import type * as z from '../shared/zod';

/** A task as its events leave it. */
export interface TaskState {
  readonly id: string;
  readonly title?: string;
  readonly priority: NudgePriority;
  readonly dueDate?: string;
  readonly createdAt: string;
  readonly completedAt?: string;
}

/** A deal as its events leave it: its stage and since when, and how it closed. */
export interface DealState {
  readonly id: string;
  readonly name?: string;
  readonly value: number;
  readonly stage: string;
  readonly stageSince: string;
  readonly createdAt: string;
  readonly source?: string;
  readonly contactName?: string;
  readonly closedAt?: string;
  readonly won?: boolean;
  readonly daysToClose?: number;
}

/** A contact (a lead while its status says so) and its last touch. */
export interface ContactState {
  readonly id: string;
  readonly name?: string;
  readonly source: string;
  readonly status: string;
  readonly createdAt: string;
  readonly lastTouchAt: string;
}

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

/** The entity state after `activities` (any order: they are applied by occurredAt, then eventId). */
export const project = (activities: readonly Activity[]): EntityState => {
  const tasks = new Map<string, TaskState>();
  const deals = new Map<string, DealState>();
  const contacts = new Map<string, ContactState>();
  const completions: { at: string; priority: NudgePriority }[] = [];
  const ordered = [...activities].sort(
    (a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId),
  );
  for (const activity of ordered) {
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
  }
  return { tasks, deals, contacts, completions };
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
