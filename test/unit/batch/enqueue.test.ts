import { Logger } from '@aws-lambda-powertools/logger';
import { REGISTRY_PAGE_SIZE, enqueueRun } from '../../../functions/batch/enqueue';
import type { BatchMessage } from '../../../functions/batch/model';
import type { TaskQueue } from '../../../functions/batch/ports';
import { InMemoryBatchLedger, InMemoryTenantRegistry } from '../../../functions/batch/store';

const NOW = new Date('2026-11-21T02:00:00.000Z');

/** A queue that keeps every send call's messages. */
const recordingQueue = (): TaskQueue & { sends: BatchMessage[][] } => {
  const sends: BatchMessage[][] = [];
  return { sends, send: async (messages) => void sends.push([...messages]) };
};

const setup = async (tenantCount: number) => {
  const registry = new InMemoryTenantRegistry(30, () => NOW);
  for (let i = 0; i < tenantCount; i += 1) await registry.add(`tenant-${String(i).padStart(4, '0')}`, 'admin-1', NOW);
  const ledger = new InMemoryBatchLedger();
  const queue = recordingQueue();
  const deps = { registry, queue, ledger, clock: () => NOW, log: new Logger({ serviceName: 'enqueue-test' }) };
  return { deps, ledger, queue };
};

describe('enqueueRun', () => {
  it('starts a run with nothing to send when the registry is empty', async () => {
    const { deps, ledger, queue } = await setup(0);

    const result = await enqueueRun(deps, { runId: 'run-empty' });

    expect(result).toEqual({ runId: 'run-empty', day: '2026-11-21', enqueued: 0, pages: 1 });
    expect(queue.sends).toEqual([]);
    expect(await ledger.summary('run-empty')).toMatchObject({ enqueued: 0 });
  });

  it('reads the empty page after a full last page without sending an empty batch', async () => {
    const { deps, ledger, queue } = await setup(10);

    const result = await enqueueRun(deps, { runId: 'run-exact', pageSize: 5 });

    expect(result).toMatchObject({ enqueued: 10, pages: 3 });
    expect(queue.sends.map((messages) => messages.length)).toEqual([5, 5]);
    expect(await ledger.summary('run-exact')).toMatchObject({ enqueued: 10 });
  });

  it(`reads the registry ${REGISTRY_PAGE_SIZE} tenants a page unless told otherwise`, async () => {
    const { deps, queue } = await setup(REGISTRY_PAGE_SIZE + 1);

    const result = await enqueueRun(deps, { runId: 'run-default' });

    expect(result).toMatchObject({ enqueued: REGISTRY_PAGE_SIZE + 1, pages: 2 });
    expect(queue.sends.map((messages) => messages.length)).toEqual([REGISTRY_PAGE_SIZE, 1]);
  });
});
