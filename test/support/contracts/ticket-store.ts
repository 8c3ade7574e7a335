import type { Ticket } from '../../../functions/support/model';
import type { TicketStore } from '../../../functions/support/store';

const NOW = new Date('2026-12-02T17:00:00.000Z');
const LATER = new Date('2027-12-02T17:00:00.000Z');

const aTicket = (tenantId: string, ticketId: string, overrides: Partial<Ticket> = {}): Ticket => ({
  tenantId,
  ticketId,
  userId: 'u1',
  reason: 'The sales sync is stuck',
  priority: 'normal',
  category: 'technical',
  status: 'open',
  department: 'technical_support',
  skillsRequired: ['integrations'],
  history: [{ role: 'user', content: 'help', at: NOW.toISOString() }],
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  ...overrides,
});

const minutes = (n: number): string => new Date(NOW.getTime() + n * 60_000).toISOString();

/** The TicketStore contract: the same cases for the DynamoDB adapter and its in-memory twin, each on empty storage. */
export const ticketStoreContract = (name: string, create: () => Promise<TicketStore>): void =>
  describe(`${name} (TicketStore contract)`, () => {
    let store: TicketStore;

    beforeEach(async () => {
      store = await create();
    });

    it('stores a ticket once and reads it back within its tenant only', async () => {
      const ticket = aTicket('t1', 'k1');

      expect(await store.create(ticket, LATER)).toBe(true);
      expect(await store.create({ ...ticket, reason: 'again' }, LATER)).toBe(false);
      expect(await store.get('t1', 'k1', NOW)).toEqual(ticket);
      expect(await store.get('t2', 'k1', NOW)).toBeUndefined();
      expect(await store.list('t2', { pageSize: 10 }, NOW)).toEqual({ items: [] });
    });

    it('hides expired tickets from reads', async () => {
      await store.create(aTicket('t1', 'k1'), new Date(NOW.getTime() - 1000));

      expect(await store.get('t1', 'k1', NOW)).toBeUndefined();
      expect((await store.list('t1', { pageSize: 10 }, NOW)).items).toEqual([]);
    });

    it("lists a tenant's tickets newest first, optionally of one status", async () => {
      await store.create(aTicket('t1', 'k2', { status: 'resolved' }), LATER);
      await store.create(aTicket('t1', 'k1'), LATER);
      await store.create(aTicket('t2', 'k3'), LATER);

      expect((await store.list('t1', { pageSize: 10 }, NOW)).items.map((each) => each.ticketId)).toEqual(['k2', 'k1']);
      expect(
        (await store.list('t1', { pageSize: 10, status: 'resolved' }, NOW)).items.map((each) => each.ticketId),
      ).toEqual(['k2']);
    });

    it('pages with signed cursors that open on their own tenant only', async () => {
      for (const id of ['k1', 'k2', 'k3']) await store.create(aTicket('t1', id), LATER);

      const first = await store.list('t1', { pageSize: 2 }, NOW);
      const second = await store.list('t1', { pageSize: 2, cursor: first.cursor! }, NOW);

      expect(first.items.map((each) => each.ticketId)).toEqual(['k3', 'k2']);
      expect(second.items.map((each) => each.ticketId)).toEqual(['k1']);
      expect(second.cursor).toBeUndefined();
      await expect(store.list('t2', { pageSize: 2, cursor: first.cursor! }, NOW)).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
    });

    it('counts the open tickets ahead in the department across tenants, not other departments or closed ones', async () => {
      const first = aTicket('t1', 'a', { createdAt: minutes(0) });
      const second = aTicket('t2', 'b', { createdAt: minutes(1) });
      const elsewhere = aTicket('t1', 'c', { createdAt: minutes(2), department: 'billing' });
      const third = aTicket('t1', 'd', { createdAt: minutes(3) });
      for (const ticket of [first, second, elsewhere, third]) await store.create(ticket, LATER);

      expect(await store.queueAhead(first)).toBe(0);
      expect(await store.queueAhead(third)).toBe(2);
      expect(await store.queueAhead(elsewhere)).toBe(0);

      await store.moveStatus('t2', 'b', 'open', 'in_progress', minutes(5));
      expect(await store.queueAhead(third)).toBe(1);

      await store.moveStatus('t2', 'b', 'in_progress', 'open', minutes(6));
      expect(await store.queueAhead(third)).toBe(2);
    });

    it('queues more urgent tickets first, then older ones of the same priority', async () => {
      const low = aTicket('t1', 'a', { createdAt: minutes(0), priority: 'low' });
      const normal = aTicket('t2', 'b', { createdAt: minutes(1) });
      const urgent = aTicket('t1', 'c', { createdAt: minutes(2), priority: 'urgent' });
      const laterNormal = aTicket('t1', 'd', { createdAt: minutes(3) });
      for (const ticket of [low, normal, urgent, laterNormal]) await store.create(ticket, LATER);

      expect(await store.queueAhead(urgent)).toBe(0);
      expect(await store.queueAhead(normal)).toBe(1);
      expect(await store.queueAhead(laterNormal)).toBe(2);
      expect(await store.queueAhead(low)).toBe(3);
    });

    it('moves a status only from the expected one, touching status and updatedAt', async () => {
      await store.create(aTicket('t1', 'k1'), LATER);

      expect(await store.moveStatus('t1', 'k1', 'in_progress', 'resolved', minutes(1))).toBe(false);
      expect(await store.moveStatus('t1', 'k1', 'open', 'in_progress', minutes(1))).toBe(true);
      expect(await store.moveStatus('t1', 'missing', 'open', 'in_progress', minutes(1))).toBe(false);
      expect(await store.get('t1', 'k1', NOW)).toEqual(
        aTicket('t1', 'k1', { status: 'in_progress', updatedAt: minutes(1) }),
      );
    });
  });
