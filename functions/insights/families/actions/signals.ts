import type { Action } from '../../../shared/business-api/model';
import { DAY_MS, isPast, startOf } from '../../dates';
import type { Evidence, Signal } from '../../model';
import { countIs, isoDay, nameList, plural, quote } from '../../text';
import { fact, factMetrics } from '../family';
import type { FamilySignals, SignalThresholds } from '../family';

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

const actionTitleFacts = (actions: readonly Action[], t: SignalThresholds): Evidence[] =>
  actions.slice(0, t.namedActions).map((action) => fact('actions', factMetrics.action, action.title));

const overdueActionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): Signal[] => {
  const overdue = oldestFirst(
    actions.filter(
      (action) => !isFinishedAction(action) && action.dueDate !== undefined && isPast(action.dueDate, now),
    ),
    (action) => action.dueDate,
  );
  const oldest = overdue[0];
  if (oldest?.dueDate === undefined) return [];
  return [
    {
      key: 'overdue_actions',
      kind: 'overdue_actions',
      category: 'operations',
      priority: 'high',
      summary:
        `${countIs(overdue.length, 'action')} past the due date; the oldest is ${quote(oldest.title)}, ` +
        `due ${isoDay(oldest.dueDate)}.`,
      facts: [
        fact('actions', factMetrics.overdueActions, overdue.length),
        fact('actions', factMetrics.oldestDueDate, isoDay(oldest.dueDate)),
        ...actionTitleFacts(overdue, t),
      ],
    },
  ];
};

const stalledActionSignals = (actions: readonly Action[], now: Date, t: SignalThresholds): Signal[] => {
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
  return [
    {
      key: 'stalled_actions',
      kind: 'stalled_actions',
      category: 'operations',
      priority: 'medium',
      summary:
        `${plural(stalled.length, 'open action')} had no update for more than ${t.stalledAfterDays} days; ` +
        `the longest untouched is ${quote(stalled[0].title)}, last updated ${isoDay(oldestUpdate)}.`,
      facts: [
        fact('actions', factMetrics.stalledActions, stalled.length),
        fact('signals', factMetrics.stalledAfterDays, t.stalledAfterDays),
        fact('actions', factMetrics.oldestUpdate, isoDay(oldestUpdate)),
        ...actionTitleFacts(stalled, t),
      ],
    },
  ];
};

const blockedActionSignals = (actions: readonly Action[], t: SignalThresholds): Signal[] => {
  const blocked = oldestFirst(
    actions.filter((action) => action.status === 'blocked'),
    lastTouched,
  );
  if (blocked.length === 0) return [];
  return [
    {
      key: 'blocked_actions',
      kind: 'blocked_actions',
      category: 'operations',
      priority: 'medium',
      summary: `${countIs(blocked.length, 'action')} blocked: ${nameList(
        blocked.map((action) => action.title),
        t.namedActions,
      )}.`,
      facts: [fact('actions', factMetrics.blockedActions, blocked.length), ...actionTitleFacts(blocked, t)],
    },
  ];
};

/** The action family: overdue, stalled and blocked actions, one aggregate signal each. */
export const actionSignals: FamilySignals = (snapshot, now, t) => {
  const actions = snapshot.actions ?? [];
  return [
    ...overdueActionSignals(actions, now, t),
    ...stalledActionSignals(actions, now, t),
    ...blockedActionSignals(actions, t),
  ];
};
