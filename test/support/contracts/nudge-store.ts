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
      expect((await store.records(ann, NOW)).activities).toHaveLength(1);
    });

    it('leaves out activities past their expiry when reading', async () => {
      await store.recordActivity(ann, activity('old'), new Date('2026-11-19T00:00:00Z'));
      await store.importActivities(ann, [activity('i1'), activity('i2')], LATER);

      expect((await store.records(ann, NOW)).activities.map((a) => a.eventId).sort()).toEqual(['i1', 'i2']);
    });

    it('raises a nudge unless the same rule and entity is cooling down, and reads it back as raised', async () => {
      const first = await store.raise(ann, aNudge('c1'), NOW);
      const cooling = await store.raise(ann, aNudge('c1', { message: 'again' }), new Date('2026-11-22T09:00:00Z'));
      const after = await store.raise(ann, aNudge('c1', { message: 'later' }), new Date('2026-11-23T09:00:00Z'));

      expect([first, cooling, after]).toEqual([true, false, true]);
      expect((await store.records(ann, NOW)).nudges).toEqual([aNudge('c1', { message: 'later' })]);
      expect((await store.records(bob, NOW)).nudges).toEqual([]);
    });

    it('counts deliveries per day up to the cap, and takes back a released one', async () => {
      const claims = [];
      for (let i = 0; i < 4; i += 1) claims.push(await store.claimDelivery(ann, '2026-11-20', 3));
      await store.releaseDelivery(ann, '2026-11-20');
      const afterRelease = await store.claimDelivery(ann, '2026-11-20', 3);
      const nextDay = await store.claimDelivery(ann, '2026-11-21', 3);

      expect(claims).toEqual([true, true, true, false]);
      expect([afterRelease, nextDay]).toEqual([true, true]);
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

    it('keeps the settings a save names and the ones saved before', async () => {
      await store.saveSettings(ann, { coachLevel: 3, timeZone: 'Europe/Berlin' });

      const saved = await store.saveSettings(ann, { coachLevel: 1, quietHours: null });

      expect(saved).toEqual({ coachLevel: 1, timeZone: 'Europe/Berlin', quietHours: null });
      expect((await store.records(ann, NOW)).settings).toEqual(saved);
      expect((await store.records(bob, NOW)).settings).toEqual({});
    });

    it('keeps the pattern mark and the active users of each day, newest day first, up to the limit', async () => {
      await store.markPatterns(ann, NOW.toISOString(), 42);
      await store.touchActive(ann, '2026-11-19');
      await store.touchActive(bob, '2026-11-20');
      await store.touchActive(ann, '2026-11-20');

      expect((await store.records(ann, NOW)).patterns).toEqual({ computedAt: NOW.toISOString(), activityCount: 42 });
      expect(await store.activeUsers(['2026-11-20', '2026-11-19'], 10)).toHaveLength(2);
      expect(await store.activeUsers(['2026-11-19'], 10)).toEqual([ann]);
      expect(await store.activeUsers(['2026-11-20', '2026-11-19'], 1)).toHaveLength(1);
    });
  });
