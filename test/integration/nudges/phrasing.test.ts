import { DynamoUsageLedger } from '../../../functions/shared/usage/dynamo-usage-ledger';
import { monthOf } from '../../../functions/shared/usage/ledger';
import { PHRASING_BUDGET_MS } from '../../../functions/nudges/phrasing';
import type { FakeBedrockRequest } from '../../../local/fake-bedrock';
import { echoedPhrasings } from '../../../local/model-answers';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { HAIKU } from '../../support/usage-fakes';

/**
 * The rephrasing of a nudge over the real wire protocols: the local stack (handlers behind the HTTP server, dynalite,
 * the prompts bucket and its index) on the Bedrock provider, calling a fake Bedrock through the Converse API.
 */
const TENANT = 'acme-plumbing';
const RULES_TEXT = "Nice close! $12,500 won in 21 days. Ask Sarah for a referral while they're happy.";
const REPHRASED = 'Great win: $12,500 closed in 21 days! While Sarah is happy, ask her for a referral.';
let api: ModelTestApi;

beforeAll(async () => {
  api = await startTestApiWithModel({ USAGE_USER_REQUESTS_PER_MINUTE: '1000', BEDROCK_MAX_ATTEMPTS: '1' });
});
afterAll(async () => api.close());
beforeEach(() => {
  api.bedrock.reset();
  api.bedrock.setDefault((request) => ({ toolInput: echoedPhrasings(request) }));
});

let users = 0;
/** A fresh user of the demo tenant (default settings: coach level 2). */
const freshUser = async (): Promise<string> => api.token(TENANT, `phrasing-user-${(users += 1)}`);

const won = (entityId: string) => ({
  action: 'deal_closed',
  entityType: 'deal',
  entityId,
  metadata: { won: true, value: 12500, days_to_close: 21, contact_name: 'Sarah' },
});
const record = (token: string, body: unknown) =>
  api.call('POST', '/coach/activity', { token, body: JSON.stringify(body) });

/** The phrasing calls the fake received. */
const phrasingCalls = (): FakeBedrockRequest[] =>
  api.bedrock.requests.filter((request) => request.body.toolConfig?.toolChoice?.tool?.name === 'record_phrasings');

/** The tenant's month in the usage table. */
const month = () =>
  new DynamoUsageLedger(api.db, api.stack.env.USAGE_TABLE ?? 'coaching-usage').month(TENANT, monthOf(new Date()));

describe('a nudge raised with a model configured', () => {
  it('comes back rephrased by the template model, with its facts, action and evidence, and metered', async () => {
    const token = await freshUser();
    const before = (await month()).byRequestType.nudge_phrasing?.calls ?? 0;
    api.bedrock.enqueue({ toolInput: { nudges: [{ index: 0, message: REPHRASED }] } });

    const response = await record(token, won('deal-rephrased'));
    const calls = phrasingCalls();
    const listed = await api.call('GET', '/coach/nudges', { token });

    expect(response.status).toBe(201);
    expect(response.json.nudges).toHaveLength(1);
    const [nudge] = response.json.nudges;
    expect(nudge).toMatchObject({
      rule: 'referral_after_win',
      message: REPHRASED,
      phrasing: { source: 'model', promptTopic: 'nudge_phrasing', promptVersion: 'v1.0', modelId: HAIKU },
      suggestedAction: 'create_task',
      actionParams: { title: 'Ask Sarah for a referral', dueInDays: 2 },
    });
    expect(nudge.evidence).toEqual(
      expect.arrayContaining([
        { metric: 'deal value', value: 12500 },
        { metric: 'days to close', value: 21 },
      ]),
    );
    expect(listed.json.nudges.find((each: { id: string }) => each.id === nudge.id)?.message).toBe(REPHRASED);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.modelId).toBe(HAIKU);
    expect(JSON.stringify(calls[0]?.body.messages)).toContain('Nice close! $12,500 won in 21 days.');
    // The read raised the goals' time nudges too, in a phrasing call of their own (answered by the echo).
    expect((await month()).byRequestType.nudge_phrasing?.calls).toBe(before + phrasingCalls().length);
  });

  it("comes back with the rules' text when the rephrasing changes a number", async () => {
    const token = await freshUser();
    api.bedrock.enqueue({
      toolInput: { nudges: [{ index: 0, message: 'Great win: $12,000 in 21 days! Ask Sarah.' }] },
    });

    const response = await record(token, won('deal-changed'));

    expect(response.json.nudges[0]).toMatchObject({ message: RULES_TEXT, phrasing: { source: 'rules' } });
  });

  it("comes back with the rules' text within the phrasing budget when the model hangs", async () => {
    const token = await freshUser();
    api.bedrock.enqueue({ toolInput: { nudges: [{ index: 0, message: REPHRASED }] }, hang: true });
    const started = Date.now();

    const response = await record(token, won('deal-hung'));
    const elapsed = Date.now() - started;

    expect(response.status).toBe(201);
    expect(response.json.nudges[0]).toMatchObject({ message: RULES_TEXT, phrasing: { source: 'rules' } });
    expect(phrasingCalls()).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(PHRASING_BUDGET_MS - 100);
    expect(elapsed).toBeLessThan(PHRASING_BUDGET_MS + 1_500);
    expect(api.bedrock.openCalls()).toBe(0);
  });

  it('is not rephrased at coach level 1', async () => {
    const token = await freshUser();
    await api.call('PUT', '/coach/settings', { token, body: JSON.stringify({ coachLevel: 1 }) });

    const response = await record(token, {
      action: 'issue_created',
      entityType: 'issue',
      entityId: 'issue-1',
      metadata: { priority: 'critical', title: 'Van broke down' },
    });

    expect(response.json.nudges).toHaveLength(1);
    expect(response.json.nudges[0].phrasing).toEqual({ source: 'rules' });
    expect(phrasingCalls()).toHaveLength(0);
  });
});
