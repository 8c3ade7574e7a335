import { batchMessageSchema } from '../../../functions/batch/model';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { nightlyRun, registerTenants } from './harness';

let api: ModelTestApi;

beforeAll(async () => {
  api = await startTestApiWithModel({ USAGE_USER_REQUESTS_PER_MINUTE: '10000' });
});

afterAll(async () => {
  await api.close();
});

describe('enqueueRun', () => {
  it('pages through the registry and sends one valid message per tenant, counting them in the run', async () => {
    const tenants = Array.from({ length: 23 }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);
    await registerTenants(tenants);
    const run = await nightlyRun(0);

    const result = await run.enqueue({ pageSize: 10 });
    const messages = run.queue.receive(100).map((record) => batchMessageSchema.parse(JSON.parse(record.body)));
    const summary = await run.summary();

    expect(result).toEqual({
      runId: run.runId,
      day: run.clock.date().toISOString().slice(0, 10),
      enqueued: 23,
      pages: 3,
    });
    expect(messages).toHaveLength(23);
    expect(messages.map((message) => message.tenantId)).toEqual(tenants);
    expect(
      new Set(messages.map((message) => `${message.runId} ${message.day} ${message.attempt} ${message.enqueuedAt}`)),
    ).toEqual(new Set([`${run.runId} ${result.day} 0 ${run.clock.date().toISOString()}`]));
    expect(summary).toMatchObject({ runId: run.runId, day: result.day, enqueued: 23, generated: 0, failed: 0 });
  });
});
