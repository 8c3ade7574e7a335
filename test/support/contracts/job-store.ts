import type { Job } from '../../../functions/shared/jobs/model';
import type { JobStore } from '../../../functions/shared/jobs/store';
import { CorruptItemError } from '../../../functions/shared/errors';
import type { StoredItems } from './dynalite';

/** What the contract runs against: a store on empty storage (on a clock it is given), and hand edits of its items. */
export interface JobStoreSubject {
  create(clock: () => Date): Promise<JobStore>;
  readonly storedItems?: () => StoredItems;
}

const NOW = new Date('2026-11-21T08:00:00.000Z');
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const HOLD = 60_000;

const aJob = (jobId: string, overrides: Partial<Job> = {}): Job => ({
  jobId,
  tenantId: 'tenant-a',
  kind: 'insights',
  status: 'pending',
  trigger: 'miss',
  requestedBy: 'user-1',
  createdAt: NOW.toISOString(),
  attempts: 0,
  ...overrides,
});

/**
 * The JobStore contract: the same cases for the DynamoDB adapter and its in-memory twin. One active job per tenant
 * and kind; transitions are conditional (two workers never both take a job); a dead worker's job is taken over once
 * its hold ends; tenants never see each other's jobs.
 */
export const jobStoreContract = (name: string, subject: JobStoreSubject): void =>
  describe(`${name} (JobStore contract)`, () => {
    let store: JobStore;
    let now = NOW;

    beforeEach(async () => {
      now = NOW;
      store = await subject.create(() => now);
    });

    it('starts a job and makes it the latest; a second start of the kind gets the active one', async () => {
      const first = await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);
      const second = await store.start(aJob('job-2'), NOW, NOW.getTime() + HOLD);

      expect(first).toEqual({ started: true, job: aJob('job-1') });
      expect(second).toEqual({ started: false, active: aJob('job-1') });
      expect(await store.latest('tenant-a', 'insights')).toEqual(aJob('job-1'));
      expect(await store.get('tenant-a', 'job-2')).toBeUndefined();
    });

    it('gives the slot to exactly one of concurrent starts', async () => {
      const starts = await Promise.all(
        ['a', 'b', 'c', 'd'].map((id) => store.start(aJob(id), NOW, NOW.getTime() + HOLD)),
      );

      expect(starts.filter((start) => start.started)).toHaveLength(1);
    });

    it('runs a job: claimed once (attempt counted), finished once, and then the slot is free', async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);

      const claimed = await store.claim('tenant-a', 'job-1', at(1000), at(1000).getTime() + HOLD);
      const claimedAgain = await store.claim('tenant-a', 'job-1', at(2000), at(2000).getTime() + HOLD);
      const done = await store.finish('tenant-a', 'job-1', 'done', at(3000));
      const doneAgain = await store.finish('tenant-a', 'job-1', 'failed', at(4000), 'model_timeout');
      const next = await store.start(
        aJob('job-2', { createdAt: at(5000).toISOString() }),
        at(5000),
        at(5000).getTime() + HOLD,
      );

      expect(claimed).toMatchObject({ status: 'running', attempts: 1, startedAt: at(1000).toISOString() });
      expect(claimedAgain).toBeUndefined();
      expect(done).toMatchObject({ status: 'done', finishedAt: at(3000).toISOString() });
      expect(doneAgain).toBeUndefined();
      expect(next.started).toBe(true);
      expect(await store.get('tenant-a', 'job-1')).toMatchObject({ status: 'done' });
    });

    it('lets exactly one of two workers take a job', async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);

      const claims = await Promise.all([
        store.claim('tenant-a', 'job-1', at(1000), at(1000).getTime() + HOLD),
        store.claim('tenant-a', 'job-1', at(1000), at(1000).getTime() + HOLD),
      ]);

      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it("takes over a running job once its worker's hold has ended (the worker died), counting the attempt", async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);
      await store.claim('tenant-a', 'job-1', NOW, NOW.getTime() + HOLD);

      const whileHeld = await store.claim('tenant-a', 'job-1', at(HOLD), at(HOLD).getTime() + HOLD);
      const afterHold = await store.claim('tenant-a', 'job-1', at(HOLD + 1), at(HOLD + 1).getTime() + HOLD);

      expect(whileHeld).toBeUndefined();
      expect(afterHold).toMatchObject({ status: 'running', attempts: 2, startedAt: NOW.toISOString() });
    });

    it('frees the slot of a job whose hold ended even if nobody finished it', async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);

      const started = await store.start(aJob('job-2'), at(HOLD + 1), at(HOLD + 1).getTime() + HOLD);

      expect(started.started).toBe(true);
      expect(await store.latest('tenant-a', 'insights')).toMatchObject({ jobId: 'job-2' });
    });

    it('puts a running job back (pending, with its reason), holding the slot; fails a pending job that was never taken', async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);
      await store.claim('tenant-a', 'job-1', NOW, NOW.getTime() + HOLD);

      const back = await store.putBack('tenant-a', 'job-1', 'model_unavailable', at(10 * HOLD).getTime());
      const blocked = await store.start(aJob('job-2'), at(2 * HOLD), at(2 * HOLD).getTime() + HOLD);
      const failed = await store.finish('tenant-a', 'job-1', 'failed', at(2 * HOLD), 'not_queued');

      expect(back).toMatchObject({ status: 'pending', reason: 'model_unavailable', attempts: 1 });
      expect(blocked.started).toBe(false);
      expect(failed).toMatchObject({ status: 'failed', reason: 'not_queued' });
      expect(await store.latest('tenant-a', 'insights')).toMatchObject({ status: 'failed' });
    });

    it("keeps tenants and kinds apart: another tenant's job id is not found, and its slot is its own", async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);

      const otherTenant = await store.start(aJob('job-2', { tenantId: 'tenant-b' }), NOW, NOW.getTime() + HOLD);
      const otherKind = await store.start(aJob('job-3', { kind: 'analysis' }), NOW, NOW.getTime() + HOLD);

      expect(otherTenant.started).toBe(true);
      expect(otherKind.started).toBe(true);
      expect(await store.get('tenant-b', 'job-1')).toBeUndefined();
      expect(await store.claim('tenant-b', 'job-1', NOW, NOW.getTime() + HOLD)).toBeUndefined();
      expect(await store.finish('tenant-b', 'job-1', 'done', NOW)).toBeUndefined();
      expect(await store.latest('tenant-b', 'insights')).toMatchObject({ jobId: 'job-2' });
    });

    it('forgets a job after its retention (two weeks) at read time', async () => {
      await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);
      now = at(15 * 86_400_000);

      expect(await store.get('tenant-a', 'job-1')).toBeUndefined();
    });

    if (subject.storedItems) {
      const storedItems = subject.storedItems;
      it('rejects a corrupt job item rather than reading it', async () => {
        await store.start(aJob('job-1'), NOW, NOW.getTime() + HOLD);
        await storedItems().edit(
          (item) => item.jobId === 'job-1',
          (item) => ({ ...item, status: 'exploded' }),
        );

        await expect(store.get('tenant-a', 'job-1')).rejects.toBeInstanceOf(CorruptItemError);
      });
    }
  });
