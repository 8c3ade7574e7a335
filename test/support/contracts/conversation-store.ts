import { randomUUID } from 'node:crypto';
import type { Conversation } from '../../../functions/conversations/model';
import type { ConversationPage, ConversationStore } from '../../../functions/conversations/store';
import { ConflictError, InvalidCursorError } from '../../../functions/shared/errors';
import { aContext, aConversation, aMessage } from '../conversation-factory';

/** What the contract needs of a store under test. */
export interface ConversationStoreHarness {
  /** A store (on a table shared by all cases: each case uses tenants of its own) whose expiry follows `clock`. */
  store(clock: () => Date): ConversationStore;
  /** Overwrites attributes of a stored item, as a hand edit of the table would (to corrupt it). */
  editItem(key: { pk: string; sk: string }, attributes: Record<string, unknown>): Promise<void>;
}

const START = new Date('2026-11-21T10:00:00.000Z');
const SECOND = 1000;
const DAY = 86_400_000;
const HOLD = 90_000;

const metaKey = (conversation: Conversation) => ({
  pk: `TENANT#${conversation.tenantId}#CONV#${conversation.id}`,
  sk: 'META',
});
const ids = (page: ConversationPage): string[] => page.items.map((item) => item.id);
/** What `promise` rejects with (undefined when it resolves). */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/**
 * The ConversationStore contract: the DynamoDB adapter and its in-memory twin must pass the same cases (conditions
 * and races, expiry, tenant isolation, paging), so unit tests on the twin say what production does.
 */
export const describeConversationStoreContract = (name: string, harness: ConversationStoreHarness): void => {
  describe(`ConversationStore contract: ${name}`, () => {
    let now: Date;
    let store: ConversationStore;
    let tenantId: string;

    const at = (ms: number): Date => new Date(START.getTime() + ms);
    /** A conversation of this case's tenant, created `updatedSeconds` after the start. */
    const created = async (overrides: Partial<Conversation> = {}, updatedSeconds = 0): Promise<Conversation> => {
      const conversation = aConversation(at(updatedSeconds * SECOND), { tenantId, ...overrides });
      await store.create(conversation, undefined);
      return conversation;
    };
    /** Every page of a list, following the cursors. */
    const allPages = async (
      userId: string | undefined,
      query: Omit<Parameters<ConversationStore['list']>[2], 'cursor'>,
    ): Promise<ConversationPage[]> => {
      const pages: ConversationPage[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(tenantId, userId, { ...query, ...(cursor ? { cursor } : {}) });
        pages.push(page);
        cursor = page.cursor;
      } while (cursor && pages.length < 50);
      return pages;
    };

    beforeEach(() => {
      now = START;
      store = harness.store(() => now);
      tenantId = `tenant-${randomUUID()}`;
    });

    describe('create and get', () => {
      it('reads back a conversation and its business context as they were stored', async () => {
        const conversation = aConversation(START, { tenantId, extracted: { values: [{ name: 'Own it' }] } });
        const context = aContext(tenantId, START);

        await store.create(conversation, context);
        const stored = await store.get(tenantId, conversation.id);

        expect(stored).toEqual({ conversation, context, counted: true });
      });

      it('reads a conversation stored without context, and nothing for an unknown id', async () => {
        const conversation = await created();

        const stored = await store.get(tenantId, conversation.id);
        const unknown = await store.get(tenantId, randomUUID());

        expect(stored).toEqual({ conversation, counted: true });
        expect(unknown).toBeUndefined();
      });

      it('refuses a second conversation with the same id', async () => {
        const conversation = await created({ summary: 'first' });

        const second = store.create({ ...conversation, summary: 'second' }, undefined);

        await expect(second).rejects.toBeInstanceOf(ConflictError);
        expect((await store.get(tenantId, conversation.id))?.conversation.summary).toBe('first');
      });

      it('treats a conversation as gone from the second it expires, before TTL deletes it (get and list)', async () => {
        const conversation = await created({ expiresAt: at(DAY).toISOString() });

        now = at(DAY - SECOND);
        const before = [
          await store.get(tenantId, conversation.id),
          await store.list(tenantId, 'user-1', { pageSize: 5 }),
        ];
        now = at(DAY);
        const after = [
          await store.get(tenantId, conversation.id),
          await store.list(tenantId, 'user-1', { pageSize: 5 }),
        ];

        expect(before).toEqual([{ conversation, counted: true }, { items: [conversation] }]);
        expect(after).toEqual([undefined, { items: [] }]);
      });

      it.each([
        ['a conversation field of the wrong type', { phase: 'nonsense' }, true],
        [
          'a corrupt business context',
          { context: { fetchedAt: START.toISOString(), snapshot: { gaps: 'none' } } },
          true,
        ],
        // The list's expiry filter already skips an item whose TTL is not a number.
        ['a TTL that is not epoch seconds', { expiresAt: 'tomorrow' }, false],
      ])('fails loudly on a stored conversation with %s', async (_case, attributes, listed) => {
        const conversation = await created();
        await harness.editItem(metaKey(conversation), attributes);

        const [get, list] = await Promise.allSettled([
          store.get(tenantId, conversation.id),
          store.list(tenantId, undefined, { pageSize: 5 }),
        ]);

        expect(get).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/^Corrupt/) } });
        expect(list).toMatchObject(
          listed
            ? { status: 'rejected', reason: { message: expect.stringMatching(/^Corrupt/) } }
            : { status: 'fulfilled', value: { items: [] } },
        );
      });

      it('fails loudly on a corrupt message', async () => {
        const conversation = await created();
        await store.putMessage(tenantId, conversation.id, aMessage(1, START), conversation.expiresAt);
        await harness.editItem({ ...metaKey(conversation), sk: 'MSG#000001' }, { role: 'robot' });

        await expect(store.messages(tenantId, conversation.id)).rejects.toThrow(/Corrupt conversations item/);
      });
    });

    describe('turn claims', () => {
      /** A claim by `userId` at `when`, holding for HOLD. */
      const claimAt = (conversation: Conversation, when: Date, userId = conversation.userId) =>
        store.claimTurn(conversation.tenantId, conversation.id, {
          userId,
          now: when,
          busyUntil: when.getTime() + HOLD,
        });

      it('holds the conversation for a turn in one write, changing nothing else, and returns it as it is', async () => {
        const conversation = await created({ turn: 4 });

        const claimed = await claimAt(conversation, at(5 * SECOND));
        const whileHeld = await claimAt(conversation, at(6 * SECOND));

        expect(claimed).toEqual({ conversation, counted: true });
        expect(whileHeld).toBeUndefined();
        expect(await store.get(tenantId, conversation.id)).toEqual({ conversation, counted: true });
      });

      it('returns the business context with the claimed conversation', async () => {
        const conversation = aConversation(START, { tenantId });
        const context = aContext(tenantId, START);
        await store.create(conversation, context);

        const claimed = await claimAt(conversation, now);

        expect(claimed?.context).toEqual(context);
      });

      it('lets exactly one of several racing claims win', async () => {
        const conversation = await created();

        const claims = await Promise.all(Array.from({ length: 5 }, () => claimAt(conversation, now)));

        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      it('frees the conversation once the hold lapses, or at once when the hold is released', async () => {
        const conversation = await created();
        await claimAt(conversation, now);

        const beforeLapse = await claimAt(conversation, at(HOLD - SECOND));
        const atLapse = await claimAt(conversation, at(HOLD));
        const afterLapse = await claimAt(conversation, at(HOLD + 1));
        const released = await store.releaseTurn(tenantId, conversation.id, {
          turn: 0,
          busyUntil: at(HOLD + 1 + HOLD).getTime(),
        });
        const afterRelease = await claimAt(conversation, at(HOLD + 2));

        expect([beforeLapse, atLapse, afterLapse, released, afterRelease].map(Boolean)).toEqual([
          false,
          false,
          true,
          true,
          true,
        ]);
        expect((await store.get(tenantId, conversation.id))?.conversation.turn).toBe(0);
      });

      it('finishes a turn only under its own hold: the changes are written and the hold ends', async () => {
        const conversation = await created({ turn: 2 });
        await claimAt(conversation, now);
        const hold = { turn: 2, busyUntil: now.getTime() + HOLD };

        const otherHold = await store.finishTurn(tenantId, conversation.id, { ...hold, busyUntil: 1 }, { turn: 4 });
        const otherTurn = await store.finishTurn(tenantId, conversation.id, { ...hold, turn: 3 }, { turn: 4 });
        const finished = await store.finishTurn(tenantId, conversation.id, hold, { turn: 4, summary: 'So far' });
        const twice = await store.finishTurn(tenantId, conversation.id, hold, { turn: 6 });
        const next = await claimAt(conversation, at(SECOND));

        expect([otherHold, otherTurn, finished, twice]).toEqual([false, false, true, false]);
        expect(next?.conversation).toEqual({ ...conversation, turn: 4, summary: 'So far' });
      });

      it('releases only its own hold: a lapsed hold taken over by another turn stays taken', async () => {
        const conversation = await created();
        await claimAt(conversation, now);
        const lapsed = { turn: 0, busyUntil: now.getTime() + HOLD };
        await claimAt(conversation, at(HOLD + 1));

        const released = await store.releaseTurn(tenantId, conversation.id, lapsed);
        const whileTakenOver = await claimAt(conversation, at(HOLD + 2));

        expect(released).toBe(false);
        expect(whileTakenOver).toBeUndefined();
      });

      it("refuses a claim of a conversation that is another user's, not active, expired or not there", async () => {
        const conversation = await created({ expiresAt: at(DAY).toISOString() });
        const paused = await created({ status: 'paused' });
        const completed = await created({ status: 'completed' });

        const claims = [
          await claimAt(conversation, now, 'user-2'),
          await claimAt(paused, now),
          await claimAt(completed, now),
          await claimAt({ ...conversation, id: randomUUID() }, now),
        ];
        now = at(DAY);
        claims.push(await claimAt(conversation, now));

        expect(claims).toEqual([undefined, undefined, undefined, undefined, undefined]);
        now = START;
        expect((await store.get(tenantId, conversation.id))?.conversation.turn).toBe(0);
      });
    });

    describe('updates', () => {
      it('writes the changes only while the conversation is at the expected turn', async () => {
        const conversation = await created();

        const stale = await store.update(tenantId, conversation.id, 3, { status: 'paused' });
        const current = await store.update(tenantId, conversation.id, 0, { status: 'paused', summary: 'So far' });

        expect([stale, current]).toEqual([false, true]);
        expect((await store.get(tenantId, conversation.id))?.conversation).toEqual({
          ...conversation,
          status: 'paused',
          summary: 'So far',
        });
      });

      it('lets one of two racing updates that both move the counter win', async () => {
        const conversation = await created();

        const results = await Promise.all(
          ['A', 'B'].map((summary) => store.update(tenantId, conversation.id, 0, { turn: 1, summary })),
        );

        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? 'A' : 'B';
        expect((await store.get(tenantId, conversation.id))?.conversation).toMatchObject({ turn: 1, summary: winner });
      });

      it('moves the expiry with expiresAt, and replaces the context when one is given', async () => {
        const conversation = await created();
        const context = aContext(tenantId, at(DAY));

        await store.update(tenantId, conversation.id, 0, { expiresAt: at(2 * DAY).toISOString() }, context);
        now = at(2 * DAY - SECOND);
        const stillThere = await store.get(tenantId, conversation.id);
        now = at(2 * DAY);
        const gone = await store.get(tenantId, conversation.id);

        expect(stillThere).toEqual({
          conversation: { ...conversation, expiresAt: at(2 * DAY).toISOString() },
          context,
          counted: true,
        });
        expect(gone).toBeUndefined();
      });

      it('adds what turns spent to the counters it was created with, also when the updates race', async () => {
        const conversation = await created({ usage: { inputTokens: 100, outputTokens: 20, costUsd: 0.0006 } });
        const spent = { inputTokens: 1000, outputTokens: 200, costMicros: 6000 };

        const [first, second] = await Promise.all([
          store.update(tenantId, conversation.id, 0, { spent }),
          store.update(tenantId, conversation.id, 0, { spent }),
        ]);
        const held = await store.claimTurn(tenantId, conversation.id, {
          userId: conversation.userId,
          now: START,
          busyUntil: START.getTime() + HOLD,
        });
        await store.finishTurn(tenantId, conversation.id, { turn: 0, busyUntil: START.getTime() + HOLD }, { spent });

        expect([first, second]).toEqual([true, true]);
        expect(held).toBeDefined();
        expect((await store.get(tenantId, conversation.id))?.conversation.usage).toEqual({
          inputTokens: 3100,
          outputTokens: 620,
          costUsd: 0.0186,
        });
      });

      it('refuses an update without changes', async () => {
        const conversation = await created();

        await expect(store.update(tenantId, conversation.id, 0, {})).rejects.toThrow(/at least one change/);
      });

      it('updates nothing of a conversation that does not exist', async () => {
        const updated = await store.update(tenantId, randomUUID(), 0, { status: 'paused' });

        expect(updated).toBe(false);
      });
    });

    describe('messages', () => {
      it('lets a later hold (or the same one, again) take a slot an earlier hold left, but never an older hold or no hold', async () => {
        const conversation = await created();
        const failedTurn = { ...aMessage(1, START), text: 'left by a turn that failed' };
        const retried = { ...aMessage(1, START), text: 'the retry' };
        await store.putMessage(tenantId, conversation.id, failedTurn, conversation.expiresAt, 1_000);

        await store.putMessage(tenantId, conversation.id, failedTurn, conversation.expiresAt, 2_000);
        await store.putMessage(tenantId, conversation.id, retried, conversation.expiresAt, 2_000);
        const older = await rejection(
          store.putMessage(tenantId, conversation.id, failedTurn, conversation.expiresAt, 1_500),
        );
        const unheld = await rejection(store.putMessage(tenantId, conversation.id, failedTurn, conversation.expiresAt));
        await store.putMessage(tenantId, conversation.id, aMessage(2, START), conversation.expiresAt);
        const overUnheld = await rejection(
          store.putMessage(tenantId, conversation.id, aMessage(2, START), conversation.expiresAt, 3_000),
        );

        expect([older, unheld, overUnheld].map((error) => error instanceof ConflictError)).toEqual([true, true, true]);
        expect(await store.messages(tenantId, conversation.id)).toEqual([retried, aMessage(2, START)]);
      });

      it('keeps messages in order of their slots; reads after a seq and up to a limit', async () => {
        const conversation = await created();
        for (const seq of [3, 1, 2, 4]) {
          await store.putMessage(tenantId, conversation.id, aMessage(seq, START), conversation.expiresAt);
        }

        const reads = await Promise.all([
          store.messages(tenantId, conversation.id),
          store.messages(tenantId, conversation.id, 1),
          store.messages(tenantId, conversation.id, 0, 2),
          store.messages(tenantId, conversation.id, 2, 1),
          store.messages(tenantId, conversation.id, 4),
        ]);

        expect(reads.map((messages) => messages.map((message) => message.seq))).toEqual([
          [1, 2, 3, 4],
          [2, 3, 4],
          [1, 2],
          [3],
          [],
        ]);
        expect(reads[0]?.[1]).toEqual(aMessage(2, START));
      });

      it('keeps the first message of a slot and refuses a second one (ConflictError), also when they race', async () => {
        const conversation = await created();
        await store.putMessage(
          tenantId,
          conversation.id,
          aMessage(1, START, { text: 'first' }),
          conversation.expiresAt,
        );

        const again = await store
          .putMessage(tenantId, conversation.id, aMessage(1, START), conversation.expiresAt)
          .catch((error: unknown) => error);
        const racing = await Promise.allSettled(
          ['A', 'B'].map((text) =>
            store.putMessage(tenantId, conversation.id, aMessage(2, START, { text }), conversation.expiresAt),
          ),
        );

        expect(again).toBeInstanceOf(ConflictError);
        expect(racing.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(racing.find((result) => result.status === 'rejected')).toMatchObject({
          reason: expect.any(ConflictError),
        });
        const texts = (await store.messages(tenantId, conversation.id)).map((message) => message.text);
        expect(texts[0]).toBe('first');
        expect(['A', 'B']).toContain(texts[1]);
      });

      it("stores feedback on the coach's messages only", async () => {
        const conversation = await created();
        await store.putMessage(tenantId, conversation.id, aMessage(1, START), conversation.expiresAt);
        await store.putMessage(tenantId, conversation.id, aMessage(2, START), conversation.expiresAt);
        const feedback = { thumbs: 'up', rating: 4, comment: 'Helpful' } as const;

        const results = await Promise.all([
          store.setFeedback(tenantId, conversation.id, 1, feedback, now),
          store.setFeedback(tenantId, conversation.id, 2, feedback, now),
          store.setFeedback(tenantId, conversation.id, 9, feedback, now),
        ]);

        expect(results).toEqual([true, false, false]);
        const [coach, owner] = await store.messages(tenantId, conversation.id);
        expect(coach?.feedback).toEqual({ ...feedback, at: now.toISOString() });
        expect(owner?.feedback).toBeUndefined();
      });
    });

    describe('lists', () => {
      it("lists a user's conversations newest first by updatedAt, and all of the tenant's for the tenant list", async () => {
        const first = await created({}, 1);
        const second = await created({}, 2);
        const colleague = await created({ userId: 'user-2' }, 3);
        const third = await created({}, 4);
        await store.update(tenantId, first.id, 0, { updatedAt: at(10 * SECOND).toISOString() });

        const own = await store.list(tenantId, 'user-1', { pageSize: 10 });
        const tenant = await store.list(tenantId, undefined, { pageSize: 10 });

        expect(ids(own)).toEqual([first.id, third.id, second.id]);
        expect(own.cursor).toBeUndefined();
        expect(ids(tenant)).toEqual([first.id, third.id, colleague.id, second.id]);
      });

      it.each([
        [5, 2, [2, 2, 1]],
        [4, 2, [2, 2]],
        [3, 3, [3]],
        [0, 3, [0]],
      ])('pages %p conversations by %p with cursors; only the last page has none', async (count, pageSize, sizes) => {
        const conversations: Conversation[] = [];
        for (let i = 0; i < count; i += 1) conversations.push(await created({}, i));

        const pages = await allPages('user-1', { pageSize });

        expect(pages.map((page) => page.items.length)).toEqual(sizes);
        expect(pages.map((page) => page.cursor === undefined)).toEqual(sizes.map((_, i) => i === sizes.length - 1));
        expect(pages.flatMap(ids)).toEqual(conversations.map((conversation) => conversation.id).reverse());
      });

      it('filters by status and topic across pages without skipping any', async () => {
        const statuses = ['active', 'paused', 'paused', 'completed', 'paused', 'active', 'paused'] as const;
        const conversations: Conversation[] = [];
        for (const [i, status] of statuses.entries()) {
          conversations.push(await created({ status, topic: i % 3 === 0 ? 'vision' : 'core_values' }, i));
        }
        const newestFirst = [...conversations].reverse();

        const paused = await allPages('user-1', { status: 'paused', pageSize: 2 });
        const vision = await allPages(undefined, { topic: 'vision', pageSize: 2 });
        const pausedVision = await allPages('user-1', { status: 'paused', topic: 'vision', pageSize: 2 });

        expect(paused.flatMap(ids)).toEqual(newestFirst.filter((c) => c.status === 'paused').map((c) => c.id));
        expect(paused.map((page) => page.items.length)).toEqual([2, 2]);
        expect(vision.flatMap(ids)).toEqual(newestFirst.filter((c) => c.topic === 'vision').map((c) => c.id));
        expect(pausedVision.flatMap(ids)).toEqual(
          newestFirst.filter((c) => c.status === 'paused' && c.topic === 'vision').map((c) => c.id),
        );
        expect(pausedVision.flatMap(ids)).toHaveLength(1);
      });

      it('reads a bounded number of index pages per page: a page the filters leave empty has a cursor that leads on', async () => {
        const oldest = await created({ status: 'paused' }, 0);
        for (let i = 1; i <= 14; i += 1) await created({}, i);

        const pages = await allPages('user-1', { status: 'paused', pageSize: 1 });

        expect(pages.map(ids)).toEqual([[], [oldest.id]]);
        expect(pages[0]?.cursor).toBeDefined();
        expect(pages[1]?.cursor).toBeUndefined();
      });

      it("binds a cursor to its own list: another user's, another tenant's or the tenant list is a 400", async () => {
        for (let i = 0; i < 3; i += 1) await created({}, i);
        const { cursor } = await store.list(tenantId, 'user-1', { pageSize: 1 });
        const garbage = Buffer.from('{"pk":1}').toString('base64url');

        const attempts = [
          store.list(tenantId, 'user-2', { pageSize: 1, cursor }),
          store.list(`${tenantId}-other`, 'user-1', { pageSize: 1, cursor }),
          store.list(tenantId, undefined, { pageSize: 1, cursor }),
          store.list(tenantId, 'user-1', { pageSize: 1, cursor: 'not a cursor' }),
          store.list(tenantId, 'user-1', { pageSize: 1, cursor: garbage }),
        ];

        expect(cursor).toBeDefined();
        for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe('tenant isolation', () => {
      it("keeps tenant B away from tenant A's conversation of the same id", async () => {
        const conversation = await created();
        await store.putMessage(tenantId, conversation.id, aMessage(1, START), conversation.expiresAt);
        const other = `${tenantId}-b`;

        const reads = await Promise.all([
          store.get(other, conversation.id),
          store.claimTurn(other, conversation.id, {
            userId: conversation.userId,
            now,
            busyUntil: now.getTime() + HOLD,
          }),
          store.update(other, conversation.id, 0, { status: 'paused' }),
          store.messages(other, conversation.id),
          store.setFeedback(other, conversation.id, 1, { thumbs: 'down' }, now),
          store.list(other, 'user-1', { pageSize: 10 }),
          store.list(other, undefined, { pageSize: 10 }),
        ]);
        await store.delete(other, conversation.id);
        await store.create({ ...conversation, tenantId: other, summary: 'B' }, undefined);

        expect(reads).toEqual([undefined, undefined, false, [], false, { items: [] }, { items: [] }]);
        expect(await store.get(tenantId, conversation.id)).toEqual({ conversation, counted: true });
        expect(await store.messages(tenantId, conversation.id)).toEqual([aMessage(1, START)]);
        expect((await store.get(other, conversation.id))?.conversation.summary).toBe('B');
        expect(ids(await store.list(tenantId, undefined, { pageSize: 10 }))).toEqual([conversation.id]);
      });
    });

    describe('delete', () => {
      it('deletes a conversation with all its messages and leaves the others alone', async () => {
        const doomed = await created({}, 1);
        const kept = await created({}, 2);
        for (let seq = 1; seq <= 30; seq += 1) {
          await store.putMessage(tenantId, doomed.id, aMessage(seq, START), doomed.expiresAt);
        }
        await store.putMessage(tenantId, kept.id, aMessage(1, START), kept.expiresAt);

        await store.delete(tenantId, doomed.id);

        expect(await store.get(tenantId, doomed.id)).toBeUndefined();
        expect(await store.messages(tenantId, doomed.id)).toEqual([]);
        expect(ids(await store.list(tenantId, 'user-1', { pageSize: 10 }))).toEqual([kept.id]);
        expect(await store.messages(tenantId, kept.id)).toHaveLength(1);
      });

      it('deletes nothing when there is no such conversation', async () => {
        const kept = await created();

        await store.delete(tenantId, randomUUID());

        expect(await store.get(tenantId, kept.id)).toEqual({ conversation: kept, counted: true });
      });
    });
  });
};
