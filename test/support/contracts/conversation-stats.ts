import type { ConversationStatsStore } from '../../../functions/conversations/stats';
import { CorruptItemError } from '../../../functions/shared/errors';
import type { StoredItems } from './dynalite';

/** What the contract runs against: a store on empty storage (on a clock it is given), and hand edits of its items. */
export interface ConversationStatsSubject {
  create(clock: () => Date): Promise<ConversationStatsStore>;
  readonly storedItems?: () => StoredItems;
}

const NOW = new Date('2026-11-21T08:00:00.000Z');
const LATER = new Date('2027-11-21T08:00:00.000Z');
const DAY = 86_400_000;

/**
 * The ConversationStatsStore contract: the same cases for the DynamoDB adapter and its in-memory twin. Counters add
 * up atomically (racing adds lose nothing), per tenant and across tenants; cohorts are read by day range, each
 * tenant's apart; expired cohorts are gone.
 */
export const conversationStatsContract = (name: string, subject: ConversationStatsSubject): void =>
  describe(`${name} (ConversationStatsStore contract)`, () => {
    let stats: ConversationStatsStore;
    let now = NOW;

    beforeEach(async () => {
      now = NOW;
      stats = await subject.create(() => now);
    });

    it('adds counters up, racing adds included, for the tenant and for all tenants', async () => {
      const expiresAt = new Date(NOW.getTime() + 30 * DAY);

      await Promise.all([
        stats.add('tenant-a', '2026-11-20', { 'started#vision': 1, 'active#vision#2026-11-20': 1 }, expiresAt),
        stats.add('tenant-a', '2026-11-20', { 'started#vision': 1, 'active#vision#2026-11-20': 1 }, expiresAt),
        stats.add('tenant-b', '2026-11-20', { 'started#vision': 1 }, expiresAt),
      ]);
      await stats.add('tenant-a', '2026-11-20', { 'active#vision#2026-11-20': -1, 'completed#vision': 1 }, expiresAt);

      expect(await stats.cohorts('tenant-a', '2026-11-20', '2026-11-20')).toEqual([
        {
          day: '2026-11-20',
          counters: { 'started#vision': 2, 'active#vision#2026-11-20': 1, 'completed#vision': 1 },
        },
      ]);
      expect(await stats.cohorts(undefined, '2026-11-01', '2026-11-30')).toEqual([
        {
          day: '2026-11-20',
          counters: { 'started#vision': 3, 'active#vision#2026-11-20': 1, 'completed#vision': 1 },
        },
      ]);
    });

    it("reads the cohorts of a day range in day order, one tenant's apart from another's", async () => {
      const expiresAt = new Date(NOW.getTime() + 30 * DAY);
      for (const day of ['2026-11-18', '2026-11-19', '2026-11-21']) {
        await stats.add('tenant-a', day, { 'started#purpose': 1 }, expiresAt);
      }
      await stats.add('tenant-b', '2026-11-19', { 'started#purpose': 5 }, expiresAt);

      const range = await stats.cohorts('tenant-a', '2026-11-19', '2026-11-21');

      expect(range.map((cohort) => [cohort.day, cohort.counters['started#purpose']])).toEqual([
        ['2026-11-19', 1],
        ['2026-11-21', 1],
      ]);
      expect(await stats.cohorts('tenant-c', '2026-11-01', '2026-11-30')).toEqual([]);
    });

    it('treats a cohort past its expiry as gone (TTL deletes late)', async () => {
      await stats.add('tenant-a', '2026-11-20', { 'started#vision': 1 }, new Date(NOW.getTime() + DAY));

      now = LATER;

      expect(await stats.cohorts('tenant-a', '2026-11-01', '2026-11-30')).toEqual([]);
    });

    if (subject.storedItems) {
      it('fails loudly on a corrupt counter', async () => {
        await stats.add('tenant-a', '2026-11-20', { 'started#vision': 1 }, new Date(NOW.getTime() + DAY));
        await subject.storedItems?.().edit(
          (item) => item['started#vision'] !== undefined,
          (item) => ({ ...item, 'started#vision': 'many' }),
        );

        await expect(stats.cohorts('tenant-a', '2026-11-20', '2026-11-20')).rejects.toBeInstanceOf(CorruptItemError);
      });
    }
  });
