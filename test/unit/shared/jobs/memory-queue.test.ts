import type { BatchMessage } from '../../../../functions/batch/model';
import { MemoryQueue } from '../../../../functions/shared/jobs/memory-queue';
import { drainQueue } from '../../../../local/queue-workers';

const message = (tenantId: string): BatchMessage => ({
  runId: 'run-1',
  tenantId,
  day: '2026-11-21',
  attempt: 0,
  enqueuedAt: '2026-11-21T01:00:00.000Z',
});

/** A queue on a clock the test moves by hand. */
const queueOnClock = (): { queue: MemoryQueue; clock: { now: number } } => {
  const clock = { now: 0 };
  return { clock, queue: new MemoryQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 3, now: () => clock.now }) };
};

describe('MemoryQueue', () => {
  it('holds a delayed message back until its delay has passed', async () => {
    const { queue, clock } = queueOnClock();
    await queue.send([message('a')], 60);

    const early = queue.receive(10);
    clock.now = 60_000;
    const due = queue.receive(10);

    expect(early).toEqual([]);
    expect(due.map((record) => JSON.parse(record.body).tenantId)).toEqual(['a']);
  });

  it('hides a received message for the visibility timeout and delivers it again with its receive count raised', async () => {
    const { queue, clock } = queueOnClock();
    await queue.send([message('a')]);

    const [first] = queue.receive(1);
    const hidden = queue.receive(1);
    clock.now = 30_000;
    const [second] = queue.receive(1);

    expect(first?.receiveCount).toBe(1);
    expect(hidden).toEqual([]);
    expect(second).toEqual({ ...first, receiveCount: 2 });
  });

  it('forgets a deleted message', async () => {
    const { queue, clock } = queueOnClock();
    await queue.send([message('a')]);

    const [record] = queue.receive(1);
    const deleted = queue.delete(record?.messageId ?? '');
    clock.now = 60_000;

    expect(deleted).toBe(true);
    expect([queue.depth(), queue.inFlight(), queue.receive(1).length]).toEqual([0, 0, 0]);
  });

  it('moves a message that failed maxReceiveCount deliveries to the dead-letter list', () => {
    const { queue, clock } = queueOnClock();
    const messageId = queue.sendBody('not a batch message');

    const counts: number[] = [];
    for (let delivery = 0; delivery < 4; delivery += 1) {
      counts.push(...queue.receive(1).map((record) => record.receiveCount));
      clock.now += 30_000;
    }

    expect(counts).toEqual([1, 2, 3]);
    expect(queue.deadLetters()).toEqual([{ messageId, body: 'not a batch message', receiveCount: 3 }]);
    expect([queue.depth(), queue.inFlight()]).toEqual([0, 0]);
  });

  it('delivers in the order messages became visible, then the order they were sent', async () => {
    const { queue, clock } = queueOnClock();
    await queue.send([message('late')], 10);
    await queue.send([message('a'), message('b')]);
    clock.now = 10_000;
    await queue.send([message('c')]);

    const order = queue.receive(10).map((record) => JSON.parse(record.body).tenantId);

    expect(order).toEqual(['a', 'b', 'late', 'c']);
  });

  it('keeps that order past many receives from the front of a long queue, dropping what was received', async () => {
    const { queue, clock } = queueOnClock();
    const tenants = Array.from({ length: 1500 }, (_, i) => `t${i}`);
    await queue.send(tenants.map(message));
    const received: string[] = [];

    for (let i = 0; i < 1000; i += 1) {
      received.push(...queue.receive(1).map((record) => JSON.parse(record.body).tenantId));
    }
    await queue.send([message('back-later')], 10);
    const depthBefore = queue.depth();
    clock.now = 10_000;
    received.push(...queue.receive(1000).map((record) => JSON.parse(record.body).tenantId));

    expect(depthBefore).toBe(501);
    expect(received).toEqual([...tenants, 'back-later']);
    expect([queue.depth(), queue.inFlight(), queue.receivable()]).toEqual([0, 1501, 0]);
  });
});

describe('drainQueue', () => {
  it('deletes what the handler processed and retries what it reported failed until the queue is empty', async () => {
    const { queue, clock } = queueOnClock();
    await queue.send([message('a'), message('flaky')]);
    const seen: string[] = [];

    await drainQueue(
      queue,
      async (records) => {
        const failures = records.filter(
          (record) => JSON.parse(record.body).tenantId === 'flaky' && record.receiveCount < 2,
        );
        seen.push(...records.map((record) => `${JSON.parse(record.body).tenantId}#${record.receiveCount}`));
        return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
      },
      { concurrency: 1, batchSize: 10, idle: async (next) => void (clock.now = next) },
    );

    expect(seen).toEqual(['a#1', 'flaky#1', 'flaky#2']);
    expect([queue.depth(), queue.inFlight(), queue.deadLetters().length]).toEqual([0, 0, 0]);
  });
});
