import type { Activity } from '../../../functions/nudges/model';
import { nudgeId, type NudgeStore, type StoredNudge } from '../../../functions/nudges/store';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const LATER = new Date('2026-12-20T09:00:00.000Z');
const ann = { tenantId: 't1', userId: 'ann' };
const bob = { tenantId: 't1', userId: 'bob' };
const annElsewhere = { tenantId: 't2', userId: 'ann' };

const activity = (eventId: string, occurredAt = NOW.toISOString()): Activity => ({
  eventId,
  action: 'deal_closed',
  entityType: 'deal',
  entityId: 'd1',
  metadata: { won: true, value: 10 },
  occurredAt,
  receivedAt: occurredAt,
});
const aNudge = (entityId: string, overrides: Partial<StoredNudge> = {}): StoredNudge => ({
  id: nudgeId('stale_lead', entityId, NOW.toISOString()),
  type: 'time',
  rule: 'stale_lead',
  entityType: 'contact',
  entityId,
  message: 'Follow up',
  priority: 'medium',
  evidence: [{ metric: 'days since last contact', value: 9 }],
  createdAt: NOW.toISOString(),
  expiresAt: '2026-11-21T09:00:00.000Z',
  showFrom: NOW.toISOString(),
  cooldownUntil: '2026-11-23T09:00:00.000Z',
  day: '2026-11-20',
  ...overrides,
});

/** The NudgeStore contract: the same cases for the DynamoDB adapter and its in-memory twin. */
export const nudgeStoreContract = (name: string, create: () => Promise<NudgeStore>): void =>
  describe(`${name} (NudgeStore contract)`, () => {
    let store: NudgeStore;
    beforeEach(async () => {
      store = await create();
    });

    it('records an activity once per eventId, per user and tenant', async () => {
      const first = await store.recordActivity(ann, activity('e1'), LATER);
      const again = await store.recordActivity(ann, { ...activity('e1'), entityId: 'other' }, LATER);
      const bobs = await store.recordActivity(bob, activity('e1'), LATER);
      const elsewhere = await store.recordActivity(annElsewhere, activity('e1'), LATER);

      expect([first, again, bobs, elsewhere]).toEqual([true, false, true, true]);
      expect((await store.activity(ann, 'e1'))?.entityId).toBe('d1');
      expect(await store.activities(ann, NOW)).toHaveLength(1);
    });

    it('leaves out activities past their expiry when reading', async () => {
      await store.recordActivity(ann, activity('old'), new Date('2026-11-19T00:00:00Z'));
      await store.importActivities(ann, [activity('i1'), activity('i2')], LATER);

      expect((await store.activities(ann, NOW)).map((a) => a.eventId).sort()).toEqual(['i1', 'i2']);
    });

    it('raises a nudge unless the same rule and entity is cooling down, and reads it back as raised', async () => {
      const first = await store.raise(ann, aNudge('c1'), NOW);
      const cooling = await store.raise(ann, aNudge('c1', { message: 'again' }), new Date('2026-11-22T09:00:00Z'));
      const after = await store.raise(ann, aNudge('c1', { message: 'later' }), new Date('2026-11-23T09:00:00Z'));

      expect([first, cooling, after]).toEqual([true, false, true]);
      expect((await store.view(ann, NOW)).nudges).toEqual([aNudge('c1', { message: 'later' })]);
      expect((await store.view(bob, NOW)).nudges).toEqual([]);
    });

    it('claims deliveries per day up to the cap, once per nudge, and reads them back with the view', async () => {
      const claims = [];
      for (const id of ['n1', 'n2', 'n1', 'n3', 'n4']) claims.push(await store.claim(ann, '2026-11-20', id, 3));
      const nextDay = await store.claim(ann, '2026-11-21', 'n4', 3);
      const bobs = await store.claim(bob, '2026-11-20', 'n4', 3);

      expect(claims).toEqual(['claimed', 'claimed', 'claimed_before', 'claimed', 'full']);
      expect([nextDay, bobs]).toEqual(['claimed', 'claimed']);
      const { deliveries } = await store.view(ann, NOW);
      expect(deliveries.get('2026-11-20')).toEqual({ delivered: 3, claimed: new Set(['n1', 'n2', 'n3']) });
      expect(deliveries.get('2026-11-21')).toEqual({ delivered: 1, claimed: new Set(['n4']) });
      expect((await store.view(ann, new Date('2026-11-29T00:00:01Z'))).deliveries.has('2026-11-20')).toBe(false);
    });

    it('withdraws a nudge only while its item holds that raise', async () => {
      const first = aNudge('c3');
      const later = aNudge('c3', {
        id: nudgeId('stale_lead', 'c3', '2026-11-23T09:00:00.000Z'),
        createdAt: '2026-11-23T09:00:00.000Z',
      });
      await store.raise(ann, first, NOW);
      await store.raise(ann, later, new Date('2026-11-23T09:00:00Z'));

      await store.withdraw(ann, first);
      await store.withdraw(bob, later);
      expect((await store.view(ann, NOW)).nudges.map((nudge) => nudge.id)).toEqual([later.id]);

      await store.withdraw(ann, later);
      expect((await store.view(ann, NOW)).nudges).toEqual([]);
    });

    it('stores the projection only over the version it was read at, and drops it on import', async () => {
      const projection = { tasks: [], deals: [], contacts: [], last: { d1: 'k' }, activityCount: 1 };
      const rebuiltAt = NOW.toISOString();

      const created = await store.saveProjection(ann, { rebuiltAt, projection }, undefined);
      const createdAgain = await store.saveProjection(ann, { rebuiltAt }, undefined);
      const stale = await store.saveProjection(ann, { rebuiltAt, projection }, 2);
      const next = await store.saveProjection(ann, { rebuiltAt, projection: { ...projection, activityCount: 2 } }, 1);

      expect([created, createdAgain, stale, next]).toEqual([true, false, false, true]);
      expect(await store.projection(ann)).toEqual({
        version: 2,
        rebuiltAt,
        projection: { ...projection, activityCount: 2 },
      });
      expect((await store.view(ann, NOW)).projection?.version).toBe(2);
      expect(await store.projection(bob)).toBeUndefined();
      await store.importActivities(ann, [activity('i3')], LATER);
      expect(await store.projection(ann)).toBeUndefined();
      expect(await store.saveProjection(ann, { rebuiltAt }, undefined)).toBe(true);
      await store.dropProjection(ann);
      expect((await store.view(ann, NOW)).projection).toBeUndefined();
    });

    it('lets one of two writes over the same projection version land', async () => {
      const rebuiltAt = NOW.toISOString();
      await store.saveProjection(ann, { rebuiltAt }, undefined);

      const writes = await Promise.all([
        store.saveProjection(ann, { rebuiltAt }, 1),
        store.saveProjection(ann, { rebuiltAt }, 1),
      ]);

      expect(writes.filter(Boolean)).toHaveLength(1);
      expect((await store.projection(ann))?.version).toBe(2);
    });

    it("changes only the owner's nudge with that id, each field on its own", async () => {
      const nudge = aNudge('c2');
      await store.raise(ann, nudge, NOW);

      const seen = await store.change(ann, nudge.id, { kind: 'seen', at: '2026-11-20T10:00:00.000Z' });
      const seenAgain = await store.change(ann, nudge.id, { kind: 'seen', at: '2026-11-20T11:00:00.000Z' });
      const snoozed = await store.change(ann, nudge.id, { kind: 'snooze', until: '2026-11-20T12:00:00.000Z' });
      const dismissed = await store.change(ann, nudge.id, {
        kind: 'dismiss',
        at: '2026-11-20T13:00:00.000Z',
        cooldownUntil: '2026-12-20T13:00:00.000Z',
      });

      expect(seen?.seenAt).toBe('2026-11-20T10:00:00.000Z');
      expect(seenAgain?.seenAt).toBe('2026-11-20T10:00:00.000Z');
      expect(snoozed).toMatchObject({ snoozedUntil: '2026-11-20T12:00:00.000Z' });
      expect(snoozed?.seenAt).toBeUndefined();
      expect(dismissed).toMatchObject({
        dismissedAt: '2026-11-20T13:00:00.000Z',
        cooldownUntil: '2026-12-20T13:00:00.000Z',
      });
      expect(await store.raise(ann, aNudge('c2'), new Date('2026-12-01T00:00:00Z'))).toBe(false);
      expect(await store.change(bob, nudge.id, { kind: 'seen', at: NOW.toISOString() })).toBeUndefined();
      expect(await store.change(annElsewhere, nudge.id, { kind: 'seen', at: NOW.toISOString() })).toBeUndefined();
      expect(
        await store.change(
          ann,
          aNudge('c2', { createdAt: LATER.toISOString(), id: nudgeId('stale_lead', 'c2', LATER.toISOString()) }).id,
          { kind: 'seen', at: NOW.toISOString() },
        ),
      ).toBeUndefined();
      expect(await store.change(ann, 'not-an-id', { kind: 'seen', at: NOW.toISOString() })).toBeUndefined();
    });

    it('keeps the settings a save names and the ones saved before, each type toggle on its own', async () => {
      await store.saveSettings(ann, { coachLevel: 3, timeZone: 'Europe/Berlin', types: { time: false } });

      const saved = await store.saveSettings(ann, { coachLevel: 1, quietHours: null, types: { pattern: false } });

      expect(saved).toEqual({
        coachLevel: 1,
        timeZone: 'Europe/Berlin',
        quietHours: null,
        types: { time: false, pattern: false },
      });
      expect((await store.view(ann, NOW)).settings).toEqual(saved);
      expect((await store.view(bob, NOW)).settings).toEqual({});
      expect(await store.settings(ann)).toEqual(saved);
      expect(await store.settings(bob)).toEqual({});
    });

    it('lands two saves of different type toggles made at once', async () => {
      await Promise.all([
        store.saveSettings(ann, { types: { action: false } }),
        store.saveSettings(ann, { types: { time: false } }),
      ]);

      expect((await store.view(ann, NOW)).settings.types).toEqual({ action: false, time: false });
    });

    it('keeps the pattern mark and the active users of each day, newest day first, up to the limit', async () => {
      await store.markPatterns(ann, NOW.toISOString(), 42);
      await store.touchActive(ann, '2026-11-19');
      await store.touchActive(bob, '2026-11-20');
      await store.touchActive(ann, '2026-11-20');

      expect((await store.view(ann, NOW)).patterns).toEqual({ computedAt: NOW.toISOString(), activityCount: 42 });
      expect(await store.activeUsers(['2026-11-20', '2026-11-19'], 10)).toHaveLength(2);
      expect(await store.activeUsers(['2026-11-19'], 10)).toEqual([ann]);
      expect(await store.activeUsers(['2026-11-20', '2026-11-19'], 1)).toHaveLength(1);
    });
  });
