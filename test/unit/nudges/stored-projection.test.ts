import type { Activity } from '../../../functions/nudges/model';
import { orderKey, project } from '../../../functions/nudges/projection';
import {
  advance,
  MAX_STORED_ENTITIES,
  rebuild,
  restore,
  type StoredProjection,
} from '../../../functions/nudges/stored-projection';
import { demoActivityHistory } from '../../../local/demo-activity';
import { anActivity, daysBefore } from '../../support/activity-factory';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const inTimeOrder = (activities: readonly Activity[]): Activity[] =>
  [...activities].sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));

/** The projection with its lists in id order (the order entities entered it is not part of the state). */
const normalized = (projection: StoredProjection | undefined) =>
  projection && {
    ...projection,
    tasks: [...projection.tasks].sort((a, b) => a.id.localeCompare(b.id)),
    deals: [...projection.deals].sort((a, b) => a.id.localeCompare(b.id)),
    contacts: [...projection.contacts].sort((a, b) => a.id.localeCompare(b.id)),
  };

/** Advances an empty projection by each activity in turn; fails on anything but `applied`. */
const advanced = (activities: readonly Activity[]): StoredProjection | undefined => {
  let projection = rebuild([]);
  for (const activity of activities) {
    if (!projection) return undefined;
    const step = advance(projection, activity);
    if (step.kind !== 'applied') throw new Error(`${activity.eventId}: ${step.kind}`);
    projection = step.projection;
  }
  return projection;
};

describe('the stored projection', () => {
  it.each(['acme-plumbing', 'brightside-dental', 'northwind-saas'])(
    'advanced event by event over the %s demo history is what a rebuild of the whole history is',
    (tenantId) => {
      const history = inTimeOrder(demoActivityHistory(tenantId, NOW));

      const stepwise = advanced(history);

      expect(history.length).toBeGreaterThan(200);
      expect(normalized(stepwise)).toEqual(normalized(rebuild(history)));
      expect(stepwise?.activityCount).toBe(history.length);
    },
  );

  it('holds what the time and reactive rules read: open tasks, every deal and contact', () => {
    const history = [
      anActivity('task_created', 't-open', daysBefore(NOW, 3), { priority: 'high', has_due_date: false }),
      anActivity('task_created', 't-done', daysBefore(NOW, 3), { priority: 'low', has_due_date: false }),
      anActivity('task_completed', 't-done', daysBefore(NOW, 1), {
        priority: 'low',
        had_due_date: false,
        days_to_complete: 2,
      }),
      anActivity('deal_created', 'd1', daysBefore(NOW, 5), { value: 900, stage: 'demo', contact_id: 'c1' }),
      anActivity('contact_created', 'c1', daysBefore(NOW, 6), { source: 'web', status: 'lead' }),
    ];
    const state = restore(rebuild(history)!);
    const full = project(history);

    expect([...state.tasks.keys()]).toEqual(['t-open']);
    expect(state.tasks.get('t-open')).toEqual(full.tasks.get('t-open'));
    expect(state.deals).toEqual(full.deals);
    expect(state.contacts).toEqual(full.contacts);
    expect(state.completions).toEqual([]);
  });

  it('tells an event earlier than its entity had from one applied before, and counts other actions', () => {
    const created = anActivity('contact_created', 'c1', daysBefore(NOW, 10), { source: 'web', status: 'lead' });
    const touched = anActivity('contact_contacted', 'c1', daysBefore(NOW, 1));
    const earlier = anActivity('contact_contacted', 'c1', daysBefore(NOW, 5));
    const logged = anActivity('time_logged', 'c1', daysBefore(NOW, 20), {
      duration: 1,
      project_id: 'p',
      is_billable: true,
    });
    const projection = rebuild([created, touched])!;

    expect(advance(projection, earlier)).toEqual({ kind: 'out_of_order' });
    expect(advance(projection, touched)).toEqual({ kind: 'applied_before' });
    expect(advance(projection, logged)).toEqual({
      kind: 'applied',
      projection: { ...projection, activityCount: 3 },
    });
  });

  it('places a touch that came before its contact was created as a rebuild would (out of order)', () => {
    const touched = anActivity('contact_contacted', 'c2', daysBefore(NOW, 1));
    const created = anActivity('contact_created', 'c2', daysBefore(NOW, 10), { source: 'web', status: 'lead' });
    const afterTouch = advance(rebuild([])!, touched);

    expect(afterTouch.kind).toBe('applied');
    expect(advance(afterTouch.kind === 'applied' ? afterTouch.projection! : rebuild([])!, created)).toEqual({
      kind: 'out_of_order',
    });
    expect(restore(rebuild([touched, created])!).contacts.get('c2')?.lastTouchAt).toBe(touched.occurredAt);
  });

  it('is not kept past MAX_STORED_ENTITIES entities (the reads project the history then)', () => {
    const tasks = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        anActivity('task_created', `t${i}`, NOW.toISOString(), { priority: 'low', has_due_date: false }),
      );

    expect(rebuild(tasks(MAX_STORED_ENTITIES))).toBeDefined();
    expect(rebuild(tasks(MAX_STORED_ENTITIES + 1))).toBeUndefined();
    const full = rebuild(tasks(MAX_STORED_ENTITIES))!;
    const one = anActivity('task_created', 'one-more', NOW.toISOString(), { priority: 'low', has_due_date: false });
    expect(advance(full, one)).toEqual({ kind: 'applied', projection: undefined });
  });
});
