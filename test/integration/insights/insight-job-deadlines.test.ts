import { DynamoUsageLedger } from '../../../functions/shared/usage/dynamo-usage-ledger';
import { monthOf } from '../../../functions/shared/usage/ledger';
import { goodAnswer } from '../../support/model-answers';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';

/**
 * An insights job whose model hangs, over the real wire protocols: the local stack with its in-process job queue
 * and worker on a fake Bedrock, with the Bedrock client's request timeout shortened to REQUEST_TIMEOUT_MS.
 */
const REQUEST_TIMEOUT_MS = 1_500;
const TENANT = 'acme-plumbing';
let api: ModelTestApi;
let token: string;

beforeAll(async () => {
  api = await startTestApiWithModel({
    BEDROCK_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    BEDROCK_MAX_ATTEMPTS: '1',
  });
  token = await api.token(TENANT);
});

afterAll(async () => {
  await api.close();
});

beforeEach(async () => {
  api.bedrock.reset();
  api.bedrock.setDefault(() => ({ toolInput: goodAnswer() }));
  await api.clearTenant(TENANT);
});

/** The tenant's month in the usage table: what was used and what is still committed. */
const month = () =>
  new DynamoUsageLedger(api.db, api.stack.env.USAGE_TABLE ?? 'coaching-usage').month(TENANT, monthOf(new Date()));

describe('an insights job whose model hangs', () => {
  it("fails with model_timeout, keeps the rules' set in place, and leaves no reservation counting", async () => {
    api.bedrock.setDefault(() => ({ toolInput: goodAnswer(), hang: true }));
    const before = await month();

    const started = Date.now();
    const { first, settled } = await api.settledInsights(token);
    const settledMs = Date.now() - started;
    const job = await api.call('GET', `/insight-jobs/${first.json.generation.jobId}`, { token });
    const after = await month();

    expect(first.json).toMatchObject({
      source: 'rules',
      generation: { status: expect.stringMatching(/pending|running/) },
    });
    expect(job.json).toMatchObject({ status: 'failed', reason: 'model_timeout' });
    expect(settled.json).toMatchObject({
      source: 'rules',
      generatedAt: first.json.generatedAt,
      generation: { status: 'failed', jobId: first.json.generation.jobId },
    });
    expect(settled.json.items.length).toBeGreaterThanOrEqual(5);
    expect(settledMs).toBeLessThan(REQUEST_TIMEOUT_MS + 5_000);
    expect(api.bedrock.openCalls()).toBe(0);
    expect(after.calls).toBeGreaterThan(before.calls);
    expect(after.committedTokens - before.committedTokens).toBe(after.totalTokens - before.totalTokens);
    expect(after.committedCostMicros - before.committedCostMicros).toBe(after.costMicros - before.costMicros);
  });

  it('lets the next refresh write the set once the model answers again', async () => {
    api.bedrock.enqueue({ toolInput: goodAnswer(), hang: true });
    const { first } = await api.settledInsights(token);
    const failed = await api.call('GET', `/insight-jobs/${first.json.generation.jobId}`, { token });

    const refresh = await api.call('POST', '/insights/refresh', { token });
    const done = await api.awaitJob(token, refresh.json.jobId);
    const settled = await api.call('GET', '/insights', { token });

    expect(failed.json.status).toBe('failed');
    expect(refresh.status).toBe(202);
    expect(done.json.status).toBe('done');
    expect(settled.json).toMatchObject({ source: 'llm', generation: { status: 'done' } });
  });
});
