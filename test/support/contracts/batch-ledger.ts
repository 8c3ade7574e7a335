import { tenantOutcomes } from '../../../functions/batch/model';
import type { BatchLedger } from '../../../functions/batch/ports';
import { CorruptItemError } from '../../../functions/shared/errors';
import type { StoredItems } from './dynalite';

/** What the contract runs against: a ledger on empty storage, and hand edits of its items if it stores any. */
export interface BatchLedgerSubject {
  create(): Promise<BatchLedger>;
  /** The stored items of the ledger `create` made last (an adapter's; the in-memory twin has none). */
  readonly storedItems?: () => StoredItems;
}

const NOW = new Date('2026-11-21T01:00:00.000Z');
const DAY = '2026-11-21';
const HOLD_SECONDS = 900;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
/** Every counter of a run that has counted nothing yet. */
const zeroCounters = Object.fromEntries(
  ['enqueued', ...tenantOutcomes, 'tokens', 'costMicros'].map((counter) => [counter, 0]),
);

/**
 * The BatchLedger contract: the same cases for the DynamoDB adapter and its in-memory twin, so the simulation's
 * ledger behaves as production's does. Each case starts on empty storage.
 */
export const batchLedgerContract = (name: string, subject: BatchLedgerSubject): void =>
  describe(`${name} (BatchLedger contract)`, () => {
    let ledger: BatchLedger;

    beforeEach(async () => {
      ledger = await subject.create();
    });

    describe('runs', () => {
      it('start with zero counters; a run never started has no summary', async () => {
        await ledger.startRun('r1', DAY, NOW);

        expect(await ledger.summary('r1')).toEqual({
          runId: 'r1',
          day: DAY,
          startedAt: NOW.toISOString(),
          ...zeroCounters,
        });
        expect(await ledger.summary('r2')).toBeUndefined();
      });

      it('start once: a second start fails as a refused conditional write and changes nothing', async () => {
        await ledger.startRun('r1', DAY, NOW);

        await expect(ledger.startRun('r1', '2026-11-22', at(60_000))).rejects.toMatchObject({
          name: 'ConditionalCheckFailedException',
        });
        expect(await ledger.summary('r1')).toMatchObject({ day: DAY, startedAt: NOW.toISOString() });
      });

      it('add up enqueued tenants and outcomes, returning the counters after each count', async () => {
        await ledger.startRun('r1', DAY, NOW);
        await ledger.addEnqueued('r1', 3);
        await ledger.addEnqueued('r1', 2);

        const afterFirst = await ledger.count('r1', 'generated', 1_000, 6_000, at(1_000));
        const afterSecond = await ledger.count('r1', 'fallback', 0, 0, at(2_000));

        expect(afterFirst).toMatchObject({ enqueued: 5, generated: 1, tokens: 1_000, costMicros: 6_000 });
        expect(afterSecond).toEqual({
          ...afterFirst,
          fallback: 1,
          lastFinishedAt: at(2_000).toISOString(),
        });
        expect(await ledger.summary('r1')).toEqual(afterSecond);
      });

      it('count concurrent outcomes atomically: none is lost', async () => {
        await ledger.startRun('r1', DAY, NOW);

        await Promise.all(Array.from({ length: 10 }, () => ledger.count('r1', 'generated', 100, 600, NOW)));

        expect(await ledger.summary('r1')).toMatchObject({ generated: 10, tokens: 1_000, costMicros: 6_000 });
      });
    });

    describe("a tenant's day", () => {
      it('is claimed once, busy while held, and done once finished', async () => {
        const first = await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS);
        const whileHeld = await ledger.claimTenant(DAY, 't1', at(60_000), HOLD_SECONDS);
        await ledger.finishTenant(DAY, 't1', 'generated', at(120_000));
        const finished = await ledger.claimTenant(DAY, 't1', at(2 * HOLD_SECONDS * 1000), HOLD_SECONDS);

        expect([first, whileHeld, finished]).toEqual(['claimed', 'busy', 'done']);
      });

      it('goes to the next delivery once its hold has passed, not on its last millisecond', async () => {
        await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS);

        const lastMillisecond = await ledger.claimTenant(DAY, 't1', at(HOLD_SECONDS * 1000), HOLD_SECONDS);
        const afterHold = await ledger.claimTenant(DAY, 't1', at(HOLD_SECONDS * 1000 + 1), HOLD_SECONDS);

        expect([lastMillisecond, afterHold]).toEqual(['busy', 'claimed']);
      });

      it('goes to exactly one of two concurrent deliveries', async () => {
        const claims = await Promise.all([
          ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS),
          ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS),
        ]);

        expect(claims.sort()).toEqual(['busy', 'claimed']);
      });

      it('is given back by a release while in progress, never once finished', async () => {
        await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS);
        await ledger.releaseTenant(DAY, 't1');
        const afterRelease = await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS);
        await ledger.finishTenant(DAY, 't1', 'generated', NOW);
        await ledger.releaseTenant(DAY, 't1');

        expect(afterRelease).toBe('claimed');
        expect(await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS)).toBe('done');
      });

      it('is done once finished, even without a claim', async () => {
        await ledger.finishTenant(DAY, 't1', 'skipped', NOW);

        expect(await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS)).toBe('done');
      });

      it("is per tenant and per day: one claim never holds another tenant's or another day's", async () => {
        await ledger.claimTenant(DAY, 'tenant-a', NOW, HOLD_SECONDS);
        await ledger.finishTenant(DAY, 'tenant-a', 'generated', NOW);

        const otherTenant = await ledger.claimTenant(DAY, 'tenant-b', NOW, HOLD_SECONDS);
        const otherDay = await ledger.claimTenant('2026-11-22', 'tenant-a', NOW, HOLD_SECONDS);

        expect([otherTenant, otherDay]).toEqual(['claimed', 'claimed']);
      });
    });

    const { storedItems } = subject;
    if (storedItems) {
      describe('stored items that do not match the read schema', () => {
        it('fail a claim that reads a held claim of an unknown status', async () => {
          await ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS);
          const edited = await storedItems().edit(
            (item) => item.status === 'in_progress',
            (item) => ({ ...item, status: 'paused' }),
          );

          expect(edited).toBe(1);
          await expect(ledger.claimTenant(DAY, 't1', NOW, HOLD_SECONDS)).rejects.toBeInstanceOf(CorruptItemError);
        });

        it('fail the read of a run summary whose counter is not a number', async () => {
          await ledger.startRun('r1', DAY, NOW);
          const edited = await storedItems().edit(
            (item) => item.runId === 'r1',
            (item) => ({ ...item, generated: 'many' }),
          );

          expect(edited).toBe(1);
          await expect(ledger.summary('r1')).rejects.toBeInstanceOf(CorruptItemError);
        });
      });
    }
  });
