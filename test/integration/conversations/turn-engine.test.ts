import { DynamoUsageLedger } from '../../../functions/shared/usage/dynamo-usage-ledger';
import { monthOf } from '../../../functions/shared/usage/ledger';
import type { FakeResponse } from '../../../local/fake-bedrock';
import { aTurn } from '../../support/conversation-factory';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { parseEvents } from '../../support/sse';

/**
 * A conversation turn whose model hangs, over the real wire protocols: the local stack (handlers behind the HTTP
 * server, dynalite) on a fake Bedrock, with each function given BUDGET_MS (the Lambda context's remaining time).
 */
const BUDGET_MS = 3_000;
const TENANT = 'acme-plumbing';
let api: ModelTestApi;
let owner: string;

beforeAll(async () => {
  api = await startTestApiWithModel({
    LOCAL_INVOCATION_BUDGET_MS: String(BUDGET_MS),
    USAGE_USER_REQUESTS_PER_MINUTE: '1000',
    BEDROCK_MAX_ATTEMPTS: '1',
  });
  owner = await api.token(TENANT, 'owner-1');
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  api.bedrock.reset();
  api.bedrock.setDefault(() => turn());
});

const turn = (reply = 'Tell me about a day when the team was at its best.'): FakeResponse => ({
  toolInput: aTurn({ reply }),
});

const start = async (): Promise<string> => {
  api.bedrock.enqueue({ toolInput: aTurn({ phase: 'introduction', progress: 0, reply: 'Welcome!' }) });
  const response = await api.call('POST', '/conversations', {
    token: owner,
    body: JSON.stringify({ topic: 'core_values' }),
  });
  expect(response.status).toBe(201);
  return response.json.conversation.id as string;
};

const say = (id: string, message: string, stream = false) =>
  api.call('POST', `/conversations/${id}/messages${stream ? '/stream' : ''}`, {
    token: owner,
    body: JSON.stringify({ message }),
  });

/** The stored messages of a conversation, as `role:text`. */
const transcript = async (id: string): Promise<string[]> => {
  const detail = await api.call('GET', `/conversations/${id}`, { token: owner });
  return detail.json.messages.map((message: { role: string; text: string }) => `${message.role}:${message.text}`);
};

/** The tenant's month in the usage table: what was used and what is still committed. */
const month = () =>
  new DynamoUsageLedger(api.db, api.stack.env.USAGE_TABLE ?? 'coaching-usage').month(TENANT, monthOf(new Date()));

describe('a reply whose model hangs', () => {
  it('answers a JSON 504 inside the function’s budget, stores nothing of the turn, and accepts the next reply', async () => {
    const id = await start();
    api.bedrock.enqueue({ ...turn(), hang: true });
    const started = Date.now();

    const hung = await say(id, 'Lost to the hang');
    const elapsed = Date.now() - started;
    const afterHang = await transcript(id);
    const retried = await say(id, 'Sent again');

    expect(hung.status).toBe(504);
    expect(hung.headers.get('content-type')).toBe('application/json');
    expect(hung.json.error).toEqual({
      code: 'model_timeout',
      message: 'The coaching model did not answer in time; try again.',
    });
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS - 1_000 - 100);
    expect(elapsed).toBeLessThan(BUDGET_MS);
    expect(afterHang).toEqual(['assistant:Welcome!']);
    expect(retried.status).toBe(200);
    expect(await transcript(id)).toEqual([
      'assistant:Welcome!',
      'user:Sent again',
      'assistant:Tell me about a day when the team was at its best.',
    ]);
    expect(api.bedrock.openCalls()).toBe(0);
  });

  it('leaves nothing of its reservation counting: the cut call is metered as failed', async () => {
    const id = await start();
    const before = await month();
    api.bedrock.enqueue({ ...turn(), hang: true });

    await say(id, 'Lost to the hang');

    const after = await month();
    expect(after.calls).toBe(before.calls + 1);
    expect(after.committedTokens - before.committedTokens).toBe(after.totalTokens - before.totalTokens);
    expect(after.committedCostMicros - before.committedCostMicros).toBe(after.costMicros - before.costMicros);
  });
});

describe('a streamed reply whose model hangs after its first delta', () => {
  it('ends with an error event inside the budget, stores nothing of the turn, and frees the hold', async () => {
    const id = await start();
    api.bedrock.enqueue({
      ...turn('Thanks for telling me that; what happened in the weeks before they left?'),
      hang: true,
    });
    const started = Date.now();

    const streamed = await say(id, 'We lost our biggest client.', true);
    const elapsed = Date.now() - started;
    const retried = await say(id, 'Sent again', true);

    const sent = parseEvents(streamed.text);
    expect(streamed.status).toBe(200);
    expect(sent[0]?.event).toBe('delta');
    expect(sent.at(-1)).toEqual({
      event: 'error',
      data: { error: { code: 'model_timeout', message: 'The coaching model did not answer in time; try again.' } },
    });
    expect(sent.some((event) => event.event === 'turn')).toBe(false);
    expect(elapsed).toBeLessThan(BUDGET_MS);
    expect(retried.status).toBe(200);
    expect(parseEvents(retried.text).at(-1)?.event).toBe('turn');
    expect(await transcript(id)).toEqual([
      'assistant:Welcome!',
      'user:Sent again',
      'assistant:Tell me about a day when the team was at its best.',
    ]);
  });
});
