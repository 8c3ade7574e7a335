import type { InsightSet } from '../../../functions/insights/model';
import type { InsightStore } from '../../../functions/insights/store';
import { CorruptItemError } from '../../../functions/shared/errors';
import { anInsight } from '../insight-factory';
import type { StoredItems } from './dynalite';

/** What the contract runs against: a store on empty storage, and hand edits of its items if it stores any. */
export interface InsightStoreSubject {
  create(): Promise<InsightStore>;
  /** The stored items of the store `create` made last (an adapter's; the in-memory twin has none). */
  readonly storedItems?: () => StoredItems;
}

const NOW = new Date('2026-11-21T08:00:00.000Z');
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const DAY_MS = 86_400_000;

const aSet = (tenantId: string, setId: string, overrides: Partial<InsightSet> = {}): InsightSet => ({
  tenantId,
  setId,
  generatedAt: NOW.toISOString(),
  expiresAt: '2026-11-22T08:00:00.000Z',
  insights: [anInsight({ id: `${setId}-a` }), anInsight({ id: `${setId}-b` })],
  dataGaps: [{ source: 'issues', reason: 'timeout' }],
  provenance: { promptTopic: 'insights_generation', promptVersion: 'v1.0', modelId: 'm', outcome: 'ok' },
  revision: 0,
  ...overrides,
});

/**
 * The InsightStore contract: the same cases for the DynamoDB adapter and its in-memory twin, so the twin the unit
 * tests use behaves as production does. Each case starts on empty storage.
 */
export const insightStoreContract = (name: string, subject: InsightStoreSubject): void =>
  describe(`${name} (InsightStore contract)`, () => {
    let store: InsightStore;

    beforeEach(async () => {
      store = await subject.create();
    });

    describe('the current set', () => {
      it('is undefined until a set is saved, then the set as saved, even once it has expired', async () => {
        const expired = aSet('t1', 's1', { expiresAt: '2025-11-22T08:00:00.000Z' });
        const before = await store.currentSet('t1');

        const saved = await store.saveSet(expired, undefined);

        expect(before).toBeUndefined();
        expect(saved).toBe(true);
        expect(await store.currentSet('t1')).toEqual(expired);
      });

      it('is saved without a predecessor only while the tenant has none', async () => {
        const first = await store.saveSet(aSet('t1', 's1'), undefined);
        const second = await store.saveSet(aSet('t1', 's2'), undefined);

        expect([first, second]).toEqual([true, false]);
        expect((await store.currentSet('t1'))?.setId).toBe('s1');
      });

      it('is replaced only if it is unchanged since it was read', async () => {
        const first = aSet('t1', 's1');
        await store.saveSet(first, undefined);

        await store.updateStatus('t1', 's1-a', 'dismissed', NOW);
        const stale = await store.saveSet(aSet('t1', 's2'), first);
        const latest = await store.currentSet('t1');
        const fresh = await store.saveSet(aSet('t1', 's3'), latest);

        expect(stale).toBe(false);
        expect(latest).toMatchObject({ setId: 's1', revision: 1 });
        expect(latest?.insights[0]?.status).toBe('dismissed');
        expect(fresh).toBe(true);
        expect((await store.currentSet('t1'))?.setId).toBe('s3');
      });

      it('is replaced by exactly one of two concurrent saves that read it', async () => {
        const first = aSet('t1', 's1');
        await store.saveSet(first, undefined);

        const saves = await Promise.all([
          store.saveSet(aSet('t1', 's2'), first),
          store.saveSet(aSet('t1', 's3'), first),
        ]);

        expect(saves.filter(Boolean)).toHaveLength(1);
        expect((await store.currentSet('t1'))?.setId).toBe(saves[0] ? 's2' : 's3');
      });
    });

    describe('status updates', () => {
      it("set one insight's status and time, bump the revision once, and leave the others alone", async () => {
        const set = aSet('t1', 's1');
        await store.saveSet(set, undefined);

        const updated = await store.updateStatus('t1', 's1-b', 'acknowledged', at(60_000));
        const current = await store.currentSet('t1');

        expect(updated).toEqual({ ...set.insights[1], status: 'acknowledged', updatedAt: at(60_000).toISOString() });
        expect(current?.insights).toEqual([set.insights[0], updated]);
        expect(current?.revision).toBe(1);
      });

      it('are a no-op for the status the insight already has', async () => {
        await store.saveSet(aSet('t1', 's1'), undefined);
        const once = await store.updateStatus('t1', 's1-b', 'acknowledged', NOW);

        const twice = await store.updateStatus('t1', 's1-b', 'acknowledged', at(3_600_000));

        expect(twice).toEqual(once);
        expect((await store.currentSet('t1'))?.revision).toBe(1);
      });

      it('answer undefined for an unknown insight and for a tenant without a set', async () => {
        await store.saveSet(aSet('t1', 's1'), undefined);

        expect(await store.updateStatus('t1', 'no-such-insight', 'dismissed', NOW)).toBeUndefined();
        expect(await store.updateStatus('t2', 's1-a', 'dismissed', NOW)).toBeUndefined();
        expect((await store.currentSet('t1'))?.revision).toBe(0);
      });

      it("never reach another tenant's set", async () => {
        const setOfA = aSet('tenant-a', 'a1');
        await store.saveSet(setOfA, undefined);

        const readByB = await store.currentSet('tenant-b');
        const updatedByB = await store.updateStatus('tenant-b', 'a1-a', 'dismissed', NOW);
        const replacedByB = await store.saveSet(aSet('tenant-b', 'b1'), setOfA);

        expect(readByB).toBeUndefined();
        expect(updatedByB).toBeUndefined();
        expect(replacedByB).toBe(false);
        expect(await store.currentSet('tenant-a')).toEqual(setOfA);
        expect(await store.currentSet('tenant-b')).toBeUndefined();
      });
    });

    describe('dismissals', () => {
      it('are the ones still in force when read, in fingerprint order', async () => {
        await store.suppress('t1', { fingerprint: 'fp-c', title: 'C' }, at(DAY_MS));
        await store.suppress('t1', { fingerprint: 'fp-a', title: 'A' }, at(DAY_MS));
        await store.suppress('t1', { fingerprint: 'fp-b', title: 'B' }, at(-1_000));

        const now = await store.activeDismissals('t1', NOW);
        const later = await store.activeDismissals('t1', at(2 * DAY_MS));

        expect(now).toEqual([
          { fingerprint: 'fp-a', title: 'A' },
          { fingerprint: 'fp-c', title: 'C' },
        ]);
        expect(later).toEqual([]);
      });

      it('end at their time, which is kept to the whole second (the TTL unit)', async () => {
        await store.suppress('t1', { fingerprint: 'fp-a', title: 'A' }, at(60_500));

        expect(await store.activeDismissals('t1', at(59_999))).toHaveLength(1);
        expect(await store.activeDismissals('t1', at(60_000))).toEqual([]);
      });

      it('are one per fingerprint: a later suppression replaces the earlier one, time and all', async () => {
        await store.suppress('t1', { fingerprint: 'fp-a', title: 'Old' }, at(3 * DAY_MS));
        await store.suppress('t1', { fingerprint: 'fp-a', title: 'New' }, at(DAY_MS));

        expect(await store.activeDismissals('t1', NOW)).toEqual([{ fingerprint: 'fp-a', title: 'New' }]);
        expect(await store.activeDismissals('t1', at(2 * DAY_MS))).toEqual([]);
      });

      it("are lifted one fingerprint at a time, in the tenant's own dismissals only; lifting none is a no-op", async () => {
        await store.suppress('t1', { fingerprint: 'fp-a', title: 'A' }, at(DAY_MS));
        await store.suppress('t1', { fingerprint: 'fp-b', title: 'B' }, at(DAY_MS));
        await store.suppress('t2', { fingerprint: 'fp-a', title: 'A' }, at(DAY_MS));

        await store.unsuppress('t1', 'fp-a');
        await store.unsuppress('t1', 'fp-never');

        expect(await store.activeDismissals('t1', NOW)).toEqual([{ fingerprint: 'fp-b', title: 'B' }]);
        expect(await store.activeDismissals('t2', NOW)).toEqual([{ fingerprint: 'fp-a', title: 'A' }]);
      });

      it("are per tenant: another tenant's dismissals never show", async () => {
        await store.suppress('tenant-a', { fingerprint: 'fp-a', title: 'A' }, at(DAY_MS));

        expect(await store.activeDismissals('tenant-b', NOW)).toEqual([]);
        expect(await store.activeDismissals('tenant-a', NOW)).toHaveLength(1);
      });
    });

    describe('the refresh slot', () => {
      it('is claimed once per cooldown, saying how long to wait', async () => {
        const first = await store.claimRefresh('t1', NOW, 300);
        const tooSoon = await store.claimRefresh('t1', at(100_000), 300);
        const lastSecond = await store.claimRefresh('t1', at(299_500), 300);
        const later = await store.claimRefresh('t1', at(300_000), 300);

        expect(first).toEqual({ ok: true });
        expect(tooSoon).toEqual({ ok: false, retryAfterSeconds: 200 });
        expect(lastSecond).toEqual({ ok: false, retryAfterSeconds: 1 });
        expect(later).toEqual({ ok: true });
      });

      it('goes to exactly one of two concurrent claims', async () => {
        const claims = await Promise.all([store.claimRefresh('t1', NOW, 300), store.claimRefresh('t1', NOW, 300)]);

        expect(claims).toEqual(expect.arrayContaining([{ ok: true }, { ok: false, retryAfterSeconds: 300 }]));
      });

      it("is per tenant: one tenant's refresh does not hold back another's", async () => {
        await store.claimRefresh('tenant-a', NOW, 300);

        expect(await store.claimRefresh('tenant-b', NOW, 300)).toEqual({ ok: true });
      });
    });

    const { storedItems } = subject;
    if (storedItems) {
      describe('stored items that do not match the read schema', () => {
        it('fail the read of a set whose revision is not a number', async () => {
          await store.saveSet(aSet('t1', 's1'), undefined);
          const edited = await storedItems().edit(
            (item) => item.setId === 's1',
            (item) => ({ ...item, revision: 'one' }),
          );

          expect(edited).toBe(1);
          await expect(store.currentSet('t1')).rejects.toBeInstanceOf(CorruptItemError);
        });

        it('fail reads and status updates of a set holding an insight of an unknown priority', async () => {
          await store.saveSet(aSet('t1', 's1'), undefined);
          await storedItems().edit(
            (item) => item.setId === 's1',
            (item) => ({ ...item, insights: [{ ...(item.insights as object[])[0], priority: 'urgent' }] }),
          );

          await expect(store.currentSet('t1')).rejects.toBeInstanceOf(CorruptItemError);
          await expect(store.updateStatus('t1', 's1-a', 'dismissed', NOW)).rejects.toBeInstanceOf(CorruptItemError);
        });

        it('fail the read of dismissals when one has lost its title', async () => {
          await store.suppress('t1', { fingerprint: 'fp-a', title: 'A' }, at(DAY_MS));
          const edited = await storedItems().edit(
            (item) => item.fingerprint === 'fp-a',
            ({ title: _title, ...item }) => item,
          );

          expect(edited).toBe(1);
          await expect(store.activeDismissals('t1', NOW)).rejects.toBeInstanceOf(CorruptItemError);
        });

        it('fail a refused refresh claim whose stored time is not a number', async () => {
          await store.claimRefresh('t1', NOW, 300);
          const edited = await storedItems().edit(
            (item) => item.refreshedAt !== undefined,
            (item) => ({ ...item, refreshedAt: 'a minute ago' }),
          );

          expect(edited).toBe(1);
          await expect(store.claimRefresh('t1', at(1_000), 300)).rejects.toBeInstanceOf(CorruptItemError);
        });
      });
    }
  });
