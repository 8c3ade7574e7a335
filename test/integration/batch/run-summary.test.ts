import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantOutcome } from '../../../functions/batch/model';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { goodAnswer } from '../../support/model-answers';
import { batchUsageToday, nightlyRun, usageToday } from './harness';

const TENANTS = ['acme-plumbing', 'brightside-dental', 'northwind-saas', 'no-such-tenant'];
/** The outcomes that end a tenant's day (a duplicate or a retry is counted besides its tenant's final outcome). */
const FINAL_OUTCOMES = ['generated', 'from_cache', 'fallback', 'skipped', 'failed'] as const;
let api: ModelTestApi;

beforeAll(async () => {
  api = await startTestApiWithModel({ USAGE_USER_REQUESTS_PER_MINUTE: '10000', BEDROCK_MAX_ATTEMPTS: '1' });
  api.bedrock.setDefault(() => ({ toolInput: goodAnswer(), usage: { inputTokens: 3000, outputTokens: 1000 } }));
});

afterAll(async () => {
  await api.close();
});

/** The final outcome of each tenant of a day, from the ledger's per-day claims. */
const outcomesOfDay = async (day: string): Promise<TenantOutcome[]> => {
  const { Items = [] } = await api.db.send(
    new QueryCommand({
      TableName: api.stack.env.BATCH_TABLE ?? 'coaching-batch',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BATCH#DAY#${day}` },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => item.outcome as TenantOutcome);
};

describe('a run summary', () => {
  it("counts every tenant's outcome once, and its tokens equal the day's batch usage rollup", async () => {
    const run = await nightlyRun(0);
    const { day } = await run.enqueue({ tenants: TENANTS });
    // SQS delivers at least once: the first tenant's message arrives twice. And one model call is throttled.
    const [first] = run.queue.receive(1);
    run.queue.delete(first?.messageId ?? '');
    await run.queue.send([JSON.parse(first?.body ?? '{}'), JSON.parse(first?.body ?? '{}')]);
    api.bedrock.enqueue({ status: 429 });

    await run.drain();
    const summary = await run.summary();
    const outcomes = await outcomesOfDay(day);
    const usage = await usageToday();

    const counted = Object.fromEntries(FINAL_OUTCOMES.map((outcome) => [outcome, summary[outcome]]));
    const tallied = Object.fromEntries(
      FINAL_OUTCOMES.map((outcome) => [outcome, outcomes.filter((value) => value === outcome).length]),
    );
    expect(outcomes).toHaveLength(TENANTS.length);
    expect(counted).toEqual(tallied);
    expect(summary).toMatchObject({ enqueued: 4, generated: 3, skipped: 1, retry_later: 1, duplicate: 1, failed: 0 });
    expect(summary.tokens).toBe(3 * 4000);
    expect(summary.tokens).toBe((await batchUsageToday()).tokens);
    expect(summary.costMicros).toBe((await batchUsageToday()).costMicros);
    expect(usage.totalTokens).toBe(summary.tokens);
    expect(run.queue.deadLetters()).toEqual([]);
  });
});
