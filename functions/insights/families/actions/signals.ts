import type { Action } from '../../../shared/business-api/model';
import { DAY_MS, isPast, startOf } from '../../dates';
import type { Evidence } from '../../model';
import { countIs, isoDay, namesOf, plural, quote } from '../../text';
import { buildSignal, fact, factMetrics } from '../family';
import type { FamilySignals, SignalThresholds, SignalWith, Statement } from '../family';

/** Actions in one situation: how many, and the first `namedActions` titles, oldest first. */
export interface ActionListPayload {
  readonly count: number;
  readonly actionTitles: readonly string[];
}

/** Actions past their due date. */
export interface OverdueActionsPayload extends ActionListPayload {
  /** The title of the action due longest ago. */
  readonly oldestAction: string;
  readonly oldestDueDate: string;
}

/** Open actions with no update for longer than the stalled limit. */
export interface StalledActionsPayload extends ActionListPayload {
  readonly stalledAfterDays: number;
  /** The title of the action untouched the longest. */
  readonly oldestAction: string;
  readonly oldestUpdate: string;
}

/** A signal of the action family. */
export type ActionSignal =
  | SignalWith<'overdue_actions', OverdueActionsPayload>
  | SignalWith<'stalled_actions', StalledActionsPayload>
  | SignalWith<'blocked_actions', ActionListPayload>;

/** Open or in progress (no status counts as open); blocked, done and cancelled are not. */
const isOpenAction = (action: Action): boolean =>
  action.status === undefined || action.status === 'open' || action.status === 'in_progress';

/** Done or cancelled. */
export const isFinishedAction = (action: Action): boolean => action.status === 'done' || action.status === 'cancelled';

const lastTouched = (action: Action): string | undefined => action.updatedAt ?? action.createdAt;

/** Sorts actions oldest first by the given date (undated last), then by title, so the named ones are stable. */
export const oldestFirst = (actions: readonly Action[], dateOf: (action: Action) => string | undefined): Action[] =>
  [...actions].sort((a, b) => {
    const byDate = startOf(dateOf(a) ?? '9999-12-31') - startOf(dateOf(b) ?? '9999-12-31');
    return byDate !== 0 ? byDate : a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
  });

const actionList = (actions: readonly Action[], t: SignalThresholds): ActionListPayload => ({
  count: actions.length,
  actionTitles: actions.slice(0, t.namedActions).map((action) => action.title),
});

const titleFacts = (titles: readonly string[]): Evidence[] =>
  titles.map((title) => fact('actions', factMetrics.action, title));

const overdueStatement = (overdue: OverdueActionsPayload): Statement => ({
  summary:
    `${countIs(overdue.count, 'action')} past the due date; the oldest is ${quote(overdue.oldestAction)}, ` +
    `due ${overdue.oldestDueDate}.`,
  facts: [
    fact('actions', factMetrics.overdueActions, overdue.count),
    fact('actions', factMetrics.oldestDueDate, overdue.oldestDueDate),
    ...titleFacts(overdue.actionTitles),
  ],
});

const stalledStatement = (stalled: StalledActionsPayload): Statement => ({
  summary:
    `${plural(stalled.count, 'open action')} had no update for more than ${stalled.stalledAfterDays} days; ` +
    `the longest untouched is ${quote(stalled.oldestAction)}, last updated ${stalled.oldestUpdate}.`,
  facts: [
    fact('actions', factMetrics.stalledActions, stalled.count),
    fact('signals', factMetrics.stalledAfterDays, stalled.stalledAfterDays),
    fact('actions', factMetrics.oldestUpdate, stalled.oldestUpdate),
    ...titleFacts(stalled.actionTitles),
  ],
});

const blockedStatement = (blocked: ActionListPayload): Statement => ({
  summary: `${countIs(blocked.count, 'action')} blocked: ${namesOf(blocked.actionTitles, blocked.count)}.`,
  facts: [fact('actions', factMetrics.blockedActions, blocked.count), ...titleFacts(blocked.actionTitles)],
});

const overdueActionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): ActionSignal[] => {
  const overdue = oldestFirst(
    actions.filter(
      (action) => !isFinishedAction(action) && action.dueDate !== undefined && isPast(action.dueDate, now, t.timeZone),
    ),
    (action) => action.dueDate,
  );
  const oldest = overdue[0];
  if (oldest?.dueDate === undefined) return [];
  const payload: OverdueActionsPayload = {
    ...actionList(overdue, t),
    oldestAction: oldest.title,
    oldestDueDate: isoDay(oldest.dueDate),
  };
  return [
    buildSignal(
      { key: 'overdue_actions', kind: 'overdue_actions', category: 'operations', priority: 'high' },
      payload,
      overdueStatement,
    ),
  ];
};

const stalledActionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): ActionSignal[] => {
  const stalled = oldestFirst(
    actions.filter((action) => {
      const touched = lastTouched(action);
      const idleMs = touched === undefined ? 0 : now.getTime() - startOf(touched);
      return isOpenAction(action) && idleMs > t.stalledAfterDays * DAY_MS;
    }),
    lastTouched,
  );
  const oldestUpdate = stalled[0] === undefined ? undefined : lastTouched(stalled[0]);
  if (stalled[0] === undefined || oldestUpdate === undefined) return [];
  const payload: StalledActionsPayload = {
    ...actionList(stalled, t),
    stalledAfterDays: t.stalledAfterDays,
    oldestAction: stalled[0].title,
    oldestUpdate: isoDay(oldestUpdate),
  };
  return [
    buildSignal(
      { key: 'stalled_actions', kind: 'stalled_actions', category: 'operations', priority: 'medium' },
      payload,
      stalledStatement,
    ),
  ];
};

const blockedActionSignals = (actions: readonly Action[], t: SignalThresholds): ActionSignal[] => {
  const blocked = oldestFirst(
    actions.filter((action) => action.status === 'blocked'),
    lastTouched,
  );
  if (blocked.length === 0) return [];
  return [
    buildSignal(
      { key: 'blocked_actions', kind: 'blocked_actions', category: 'operations', priority: 'medium' },
      actionList(blocked, t),
      blockedStatement,
    ),
  ];
};

/** The action family: overdue, stalled and blocked actions, one aggregate signal each. */
export const actionSignals: FamilySignals<ActionSignal> = (snapshot, now, t) => {
  const actions = snapshot.actions ?? [];
  return [
    ...overdueActionSignals(actions, now, t),
    ...stalledActionSignals(actions, now, t),
    ...blockedActionSignals(actions, t),
  ];
};
