import { BATCH_MAX_RECEIVE_COUNT, BATCH_WORKER_TIMEOUT_SECONDS } from '../../../functions/batch/model';
import { handleRecords, retryDelaySeconds } from '../../../functions/batch/worker';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { batchUsageToday, nightlyRun, setTenantLimits } from './harness';

const ACME = 'acme-plumbing';
const BRIGHTSIDE = 'brightside-dental';
const NORTHWIND = 'northwind-saas';
/** The end of a worker invocation: its full timeout ahead. */
const DEADLINE = Date.now() + BATCH_WORKER_TIMEOUT_SECONDS * 1000;
let api: ModelTestApi;

beforeAll(async () => {
  api = await startTestApiWithModel({
    USAGE_USER_REQUESTS_PER_MINUTE: '10000',
    // One Bedrock attempt: a scripted 429 reaches the worker as a throttled model at once.
    BEDROCK_MAX_ATTEMPTS: '1',
  });
});

afterAll(async () => {
  await api.close();
});

describe('the nightly worker', () => {
  it('generates a tenant once when its message arrives twice: the second delivery is a duplicate, metered once', async () => {
    const run = await nightlyRun(1);
    await run.enqueue({ tenants: [ACME] });
    const records = run.queue.receive(1);
    const callsBefore = api.bedrock.callCount();
    const usageBefore = await batchUsageToday(ACME);

    const first = await handleRecords(run.deps, records, DEADLINE);
    const redelivered = await handleRecords(run.deps, records, DEADLINE);
    const summary = await run.summary();
    const usageAfter = await batchUsageToday(ACME);

    expect([first.batchItemFailures, redelivered.batchItemFailures]).toEqual([[], []]);
    expect(summary).toMatchObject({ enqueued: 1, generated: 1, duplicate: 1, failed: 0 });
    expect(api.bedrock.callCount() - callsBefore).toBe(1);
    expect(usageAfter.calls - usageBefore.calls).toBe(1);
    expect(usageAfter.tokens - usageBefore.tokens).toBe(summary.tokens);
  });

  it('reports only the poison record of a batch as failed and processes the others', async () => {
    const run = await nightlyRun(2);
    await run.enqueue({ tenants: [ACME, BRIGHTSIDE] });
    const poisonId = run.queue.sendBody('{"tenantId": 42}');
    const records = run.queue.receive(3);

    const result = await handleRecords(run.deps, records, DEADLINE);
    const summary = await run.summary();

    expect(records).toHaveLength(3);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poisonId }]);
    expect(summary).toMatchObject({ enqueued: 2, generated: 2, failed: 0 });
  });

  it('puts a tenant whose model call is throttled back on the queue with a delay, and generates it on the later delivery', async () => {
    const run = await nightlyRun(3);
    await run.enqueue({ tenants: [NORTHWIND] });
    const callsBefore = api.bedrock.callCount();
    api.bedrock.enqueue({ status: 429 });

    await run.deliver();
    const afterThrottle = await run.summary();
    const tooEarly = run.queue.receive(1);
    run.clock.advance(retryDelaySeconds(0, () => 1) * 1000);
    const [retry] = await run.deliver();
    const summary = await run.summary();

    expect(afterThrottle).toMatchObject({ retry_later: 1, generated: 0, failed: 0 });
    expect(tooEarly).toEqual([]);
    expect(JSON.parse(retry?.body ?? '{}')).toMatchObject({ tenantId: NORTHWIND, attempt: 1 });
    expect(summary).toMatchObject({ enqueued: 1, retry_later: 1, generated: 1, failed: 0 });
    expect(api.bedrock.callCount() - callsBefore).toBe(2);
    expect([run.queue.depth(), run.queue.inFlight(), run.queue.deadLetters().length]).toEqual([0, 0, 0]);
  });

  it(`moves a poison message to the dead-letter queue after ${BATCH_MAX_RECEIVE_COUNT} receives`, async () => {
    const run = await nightlyRun(4);
    const poisonId = run.queue.sendBody('not json');

    await run.drain();

    expect(run.queue.deadLetters()).toEqual([
      { messageId: poisonId, body: 'not json', receiveCount: BATCH_MAX_RECEIVE_COUNT },
    ]);
    expect([run.queue.depth(), run.queue.inFlight()]).toEqual([0, 0]);
  });

  it("falls back to rules insights when the tenant's monthly budget is spent, and stores them", async () => {
    const earlier = await nightlyRun(5);
    await earlier.enqueue({ tenants: [BRIGHTSIDE] });
    await earlier.drain();
    await setTenantLimits(BRIGHTSIDE, {
      monthlyTokenBudget: 1,
      monthlyCostBudgetUsd: 100,
      userRequestsPerMinute: 10_000,
    });
    const run = await nightlyRun(6);
    await run.enqueue({ tenants: [BRIGHTSIDE] });

    await run.drain();
    const summary = await run.summary();
    const stored = await api.call('GET', '/insights', { token: await api.token(BRIGHTSIDE) });

    expect((await earlier.summary()).generated).toBe(1);
    expect(summary).toMatchObject({ enqueued: 1, fallback: 1, generated: 0, tokens: 0 });
    expect(stored.json.provenance).toMatchObject({ outcome: 'fallback', reason: 'usage_limit_exceeded' });
    expect(stored.json.items.length).toBeGreaterThan(0);
    expect(stored.json.items.every((item: { source: string }) => item.source === 'rules')).toBe(true);
  });

  it('skips a tenant the business API has no data for, without a model call', async () => {
    const run = await nightlyRun(7);
    await run.enqueue({ tenants: ['no-such-tenant'] });
    const callsBefore = api.bedrock.callCount();

    await run.drain();
    const summary = await run.summary();

    expect(summary).toMatchObject({ enqueued: 1, skipped: 1, failed: 0 });
    expect(api.bedrock.callCount()).toBe(callsBefore);
    expect(run.queue.deadLetters()).toEqual([]);
  });
});
