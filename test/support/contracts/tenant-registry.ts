import type { TenantRegistry } from '../../../functions/batch/ports';
import { CorruptItemError, InvalidCursorError } from '../../../functions/shared/errors';
import type { StoredItems } from './dynalite';

/** What the contract runs against: a registry on empty storage, and hand edits of its items if it stores any. */
export interface TenantRegistrySubject {
  /** A registry whose API entries expire after `activeDays`, filtering expired entries at `clock()`. */
  create(activeDays: number, clock: () => Date): Promise<TenantRegistry>;
  /** The stored items of the registry `create` made last (an adapter's; the in-memory twin has none). */
  readonly storedItems?: () => StoredItems;
}

const NOW = new Date('2026-11-21T08:00:00.000Z');
const DAY_MS = 86_400_000;
const ACTIVE_DAYS = 30;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const crafted = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * The TenantRegistry contract: the same cases for the DynamoDB adapter and its in-memory twin, so the simulation's
 * registry behaves as production's does. Each case starts on empty storage.
 */
export const tenantRegistryContract = (name: string, subject: TenantRegistrySubject): void =>
  describe(`${name} (TenantRegistry contract)`, () => {
    let registry: TenantRegistry;
    let now: Date;

    beforeEach(async () => {
      now = NOW;
      registry = await subject.create(ACTIVE_DAYS, () => now);
    });

    const listAll = async (): Promise<string[]> => (await registry.list(100)).entries.map((entry) => entry.tenantId);

    describe('listing', () => {
      it('lists admin-added tenants in tenant-id order', async () => {
        const added = await registry.add('tenant-c', 'ana', NOW);
        await registry.add('tenant-a', 'ana', NOW);
        await registry.add('tenant-b', 'ana', NOW);

        const { entries, cursor } = await registry.list(10);

        expect(added).toEqual({ tenantId: 'tenant-c', source: 'admin', lastSeenAt: NOW.toISOString() });
        expect(entries).toEqual(['tenant-a', 'tenant-b', 'tenant-c'].map((tenantId) => ({ ...added, tenantId })));
        expect(cursor).toBeUndefined();
      });

      it('pages with cursors through every entry once', async () => {
        for (const tenant of ['e', 'a', 'd', 'b', 'c']) await registry.add(tenant, 'ana', NOW);

        const first = await registry.list(2);
        const second = await registry.list(2, first.cursor);
        const third = await registry.list(2, second.cursor);

        expect([first, second, third].map((page) => page.entries.map((entry) => entry.tenantId))).toEqual([
          ['a', 'b'],
          ['c', 'd'],
          ['e'],
        ]);
        expect([first.cursor, second.cursor]).toEqual([expect.any(String), expect.any(String)]);
        expect(third.cursor).toBeUndefined();
      });

      it('ends a full last page with a cursor, whose page is empty (as DynamoDB does)', async () => {
        for (const tenant of ['a', 'b']) await registry.add(tenant, 'ana', NOW);

        const full = await registry.list(2);
        const after = await registry.list(2, full.cursor);

        expect(full.cursor).toEqual(expect.any(String));
        expect(after).toEqual({ entries: [] });
      });

      it('pages tenant ids the same way', async () => {
        for (const tenant of ['c', 'a', 'b']) await registry.add(tenant, 'ana', NOW);

        const first = await registry.page(2);
        const second = await registry.page(2, first.cursor);

        expect(first).toEqual({ tenantIds: ['a', 'b'], cursor: expect.any(String) });
        expect(second).toEqual({ tenantIds: ['c'] });
      });

      it.each([
        ['garbage', 'not a cursor'],
        ['another partition', crafted({ pk: 'TENANT#acme', sk: 'INSIGHTS#CURRENT' })],
        ['another key shape', crafted({ pk: 'REGISTRY' })],
        ['a key of the registry, unsigned', crafted({ pk: 'REGISTRY', sk: 'TENANT#a' })],
      ])('rejects a cursor that is %s with an InvalidCursorError on query.cursor', async (_kind, cursor) => {
        await registry.add('a', 'ana', NOW);

        for (const read of [() => registry.list(2, cursor), () => registry.page(2, cursor)]) {
          const error: unknown = await read().catch((thrown: unknown) => thrown);
          expect(error).toBeInstanceOf(InvalidCursorError);
          expect(error).toMatchObject({ details: { problems: [expect.objectContaining({ field: 'query.cursor' })] } });
        }
      });
    });

    describe("the API's sightings", () => {
      it('record a tenant as seen by the API, at most once a day', async () => {
        await registry.touch('t1', NOW);
        await registry.touch('t1', at(3_600_000));
        const sameDay = (await registry.list(10)).entries;
        await registry.touch('t1', at(DAY_MS));

        expect(sameDay).toEqual([{ tenantId: 't1', source: 'api', lastSeenAt: NOW.toISOString() }]);
        expect((await registry.list(10)).entries).toEqual([
          { tenantId: 't1', source: 'api', lastSeenAt: at(DAY_MS).toISOString() },
        ]);
      });

      it('expire activeDays after the last sighting, filtered when read, to the second', async () => {
        await registry.touch('t1', NOW);

        now = at(ACTIVE_DAYS * DAY_MS - 1_000);
        const lastSecond = await listAll();
        now = at(ACTIVE_DAYS * DAY_MS);
        const expired = await listAll();

        expect(lastSecond).toEqual(['t1']);
        expect(expired).toEqual([]);
      });

      it('leave an admin-added tenant as it is, never expiring', async () => {
        await registry.add('t1', 'ana', NOW);
        await registry.touch('t1', at(DAY_MS));
        now = at(400 * DAY_MS);

        expect((await registry.list(10)).entries).toEqual([
          { tenantId: 't1', source: 'admin', lastSeenAt: NOW.toISOString() },
        ]);
      });

      it('count expired entries against the page size: a page may be short, but no entry is lost', async () => {
        await registry.touch('a', at(-ACTIVE_DAYS * DAY_MS - 1_000));
        for (const tenant of ['b', 'c']) await registry.add(tenant, 'ana', NOW);

        const first = await registry.list(2);
        const second = await registry.list(2, first.cursor);

        expect(first.entries.map((entry) => entry.tenantId)).toEqual(['b']);
        expect(second.entries.map((entry) => entry.tenantId)).toEqual(['c']);
      });
    });

    describe('admin changes', () => {
      it('turn an API entry, expired or not, into an admin entry that never expires', async () => {
        await registry.touch('t1', at(-ACTIVE_DAYS * DAY_MS - 1_000));
        const before = await listAll();

        await registry.add('t1', 'ana', NOW);
        now = at(400 * DAY_MS);

        expect(before).toEqual([]);
        expect((await registry.list(10)).entries).toEqual([
          { tenantId: 't1', source: 'admin', lastSeenAt: NOW.toISOString() },
        ]);
      });

      it('remove a tenant once (false after), and a later sighting the same day records it again', async () => {
        await registry.touch('t1', NOW);

        const removed = await registry.remove('t1');
        const again = await registry.remove('t1');
        const afterRemoval = await listAll();
        await registry.touch('t1', at(3_600_000));

        expect([removed, again]).toEqual([true, false]);
        expect(afterRemoval).toEqual([]);
        expect((await registry.list(10)).entries).toEqual([
          { tenantId: 't1', source: 'api', lastSeenAt: at(3_600_000).toISOString() },
        ]);
      });
    });

    const { storedItems } = subject;
    if (storedItems) {
      describe('stored items that do not match the read schema', () => {
        it.each([
          ['an unknown source', { source: 'import' }],
          ['a TTL that is not a number', { expiresAt: 'next month' }],
          ['no last sighting', { lastSeenAt: undefined }],
        ])('fail a listing that reaches an entry with %s', async (_kind, change) => {
          await registry.touch('t1', NOW);
          const edited = await storedItems().edit(
            (item) => item.tenantId === 't1',
            (item) => ({ ...item, ...change }),
          );

          expect(edited).toBe(1);
          await expect(registry.list(10)).rejects.toBeInstanceOf(CorruptItemError);
        });
      });
    }
  });
