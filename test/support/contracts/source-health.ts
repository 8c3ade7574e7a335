import type { SourceHealthStore } from '../../../functions/shared/business-api/health';
import { SOURCE_HEALTH_RETENTION_DAYS } from '../../../functions/shared/business-api/health';

/** What the contract runs against: a store on empty storage. */
export interface SourceHealthSubject {
  create(): Promise<SourceHealthStore>;
}

const AT = new Date('2026-12-02T10:00:00.000Z');
const LATER = new Date('2026-12-02T11:00:00.000Z');

/**
 * The SourceHealthStore contract: the same cases for the DynamoDB adapter and its in-memory twin. Each case starts on
 * empty storage.
 */
export const sourceHealthContract = (name: string, subject: SourceHealthSubject): void =>
  describe(`${name} (SourceHealthStore contract)`, () => {
    let store: SourceHealthStore;

    beforeEach(async () => {
      store = await subject.create();
    });

    it('answers nothing for a tenant whose sources were never read', async () => {
      expect(await store.read('t1', AT)).toEqual({});
    });

    it('keeps each source field by field: a failure keeps the last success, a later success keeps the last failure', async () => {
      await store.record(
        't1',
        [
          { source: 'goals', ok: true },
          { source: 'issues', ok: true },
        ],
        AT,
      );
      await store.record(
        't1',
        [{ source: 'goals', ok: false, gap: { source: 'goals', reason: 'http_error', status: 503 } }],
        LATER,
      );
      await store.record('t1', [{ source: 'issues', ok: false, gap: { source: 'issues', reason: 'timeout' } }], AT);
      await store.record('t1', [{ source: 'issues', ok: true }], LATER);

      expect(await store.read('t1', LATER)).toEqual({
        goals: {
          lastSuccessAt: AT.toISOString(),
          lastFailureAt: LATER.toISOString(),
          lastError: { reason: 'http_error', status: 503 },
        },
        issues: {
          lastSuccessAt: LATER.toISOString(),
          lastFailureAt: AT.toISOString(),
          lastError: { reason: 'timeout' },
        },
      });
    });

    it("keeps tenants apart: one tenant's failure is not another's", async () => {
      await store.record('t1', [{ source: 'goals', ok: false, gap: { source: 'goals', reason: 'network_error' } }], AT);
      await store.record('t2', [{ source: 'goals', ok: true }], AT);

      expect(await store.read('t2', AT)).toEqual({ goals: { lastSuccessAt: AT.toISOString() } });
      expect((await store.read('t1', AT)).goals?.lastSuccessAt).toBeUndefined();
    });

    it('writes nothing for no outcomes, and forgets a tenant whose record is past its retention', async () => {
      await store.record('t1', [], AT);
      await store.record('t2', [{ source: 'performance', ok: true }], AT);

      expect(await store.read('t1', AT)).toEqual({});
      const expired = new Date(AT.getTime() + SOURCE_HEALTH_RETENTION_DAYS * 86_400_000);
      expect(await store.read('t2', expired)).toEqual({});
    });
  });
