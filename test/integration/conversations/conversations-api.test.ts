import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TurnOutput } from '../../../functions/conversations/model';
import type { FakeBedrock, FakeBedrockRequest, FakeResponse } from '../../../local/fake-bedrock';
import { aTurn } from '../../support/conversation-factory';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { parseEvents } from '../../support/sse';

const TENANT = 'acme-plumbing';
let api: ModelTestApi;
let bedrock: FakeBedrock;
let owner: string;

beforeAll(async () => {
  api = await startTestApiWithModel({
    CONVERSATION_HISTORY_TOKEN_BUDGET: '300',
    CONVERSATION_RECENT_MESSAGES: '4',
    USAGE_USER_REQUESTS_PER_MINUTE: '1000',
    BEDROCK_RETRY_DELAY_MS: '0',
  });
  bedrock = api.bedrock;
  owner = await api.token(TENANT, 'owner-1');
});

afterAll(async () => {
  await api.close();
});

const turn = (overrides: Partial<TurnOutput> = {}): FakeResponse => ({ toolInput: aTurn(overrides) });

const VALUES = {
  values: [
    {
      name: 'Show up on time',
      meaning: 'Customers plan their day around us.',
      behavior: 'We text when we are 15 minutes out.',
    },
    {
      name: 'Own the outcome',
      meaning: 'A callback is ours to fix, no excuses.',
      behavior: 'The original tech returns within a day.',
    },
    {
      name: 'Leave it cleaner',
      meaning: 'We treat homes as our own.',
      behavior: 'Drop cloths and a final wipe-down on every job.',
    },
  ],
};

/** The Converse requests of one tool (turns, summaries or outcome extraction). */
const requestsFor = (tool: string): FakeBedrockRequest[] =>
  bedrock.requests.filter(
    (request) =>
      request.body.toolConfig?.toolChoice && JSON.stringify(request.body.toolConfig.toolChoice).includes(tool),
  );

const start = async (token = owner) => {
  bedrock.enqueue(
    turn({ phase: 'introduction', progress: 0.05, intent: undefined, reply: 'Welcome! Let us find your core values.' }),
  );
  const response = await api.call('POST', '/conversations', { token, body: JSON.stringify({ topic: 'core_values' }) });
  expect(response.status).toBe(201);
  return response.json.conversation.id as string;
};

const say = (id: string, message: string, token = owner) =>
  api.call('POST', `/conversations/${id}/messages`, { token, body: JSON.stringify({ message }) });

beforeEach(() => {
  bedrock.reset();
  bedrock.setDefault(() => turn());
});

describe('a core values session', () => {
  it('opens with the coach, moves through the phases, and completes with a valid outcome the owner accepts', async () => {
    const id = await start();
    const phases: string[] = [];
    const script: Partial<TurnOutput>[] = [
      { phase: 'exploration', progress: 0.2 },
      { phase: 'exploration', progress: 0.35 },
      { phase: 'synthesis', progress: 0.55, extracted: { values: VALUES.values.slice(0, 2) } },
      { phase: 'synthesis', progress: 0.7, extracted: VALUES },
      { phase: 'validation', progress: 0.85, extracted: VALUES },
      { phase: 'validation', progress: 0.95, extracted: VALUES, readyToComplete: true },
    ];
    for (const step of script) {
      bedrock.enqueue(turn(step));
      const response = await say(id, 'We stayed until midnight during the freeze to get every family heat back.');
      phases.push(response.json.turn.phase);
    }
    bedrock.enqueue({ toolInput: VALUES });

    const completed = await api.call('POST', `/conversations/${id}/complete`, { token: owner });
    const accepted = await api.call('PUT', `/conversations/${id}/outcome`, {
      token: owner,
      body: JSON.stringify({ accept: true }),
    });

    expect(phases).toEqual(['exploration', 'exploration', 'synthesis', 'synthesis', 'validation', 'validation']);
    expect(completed.status).toBe(200);
    expect(completed.json.outcome).toEqual(VALUES);
    expect(completed.json.conversation).toMatchObject({
      status: 'completed',
      phase: 'completion',
      outcomeStatus: 'proposed',
    });
    expect(accepted.json.conversation.outcomeStatus).toBe('accepted');
    expect(requestsFor('record_outcome')).toHaveLength(1);
  });

  it('corrects a phase jump the model proposes, and goes back only when the owner asks to revisit', async () => {
    const id = await start();

    bedrock.enqueue(turn({ phase: 'validation' }));
    const jump = await say(id, 'We care about being on time.');
    bedrock.enqueue(turn({ phase: 'introduction' }));
    const backward = await say(id, 'And cleanliness.');
    bedrock.enqueue(turn({ phase: 'introduction' }));
    const revisit = await say(id, "Can we go back to the start? I'd like to rethink this.");

    expect(jump.json.turn).toMatchObject({ phase: 'exploration', phaseCorrected: true });
    expect(backward.json.turn).toMatchObject({ phase: 'exploration', phaseCorrected: true });
    expect(revisit.json.turn).toMatchObject({ phase: 'introduction', phaseCorrected: false });
  });

  it('refuses to complete before the criteria are met', async () => {
    const id = await start();
    await say(id, 'On time, always.');

    const response = await api.call('POST', `/conversations/${id}/complete`, { token: owner });

    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('not_ready');
    expect(JSON.stringify(response.json.error.details)).toContain('at least 6 exchanges');
  });

  it('repairs a malformed extraction with one more round', async () => {
    const id = await start();
    for (let i = 0; i < 6; i += 1) {
      bedrock.enqueue(turn({ extracted: VALUES }));
      await say(id, `Story number ${i} about the team at its best.`);
    }
    bedrock.enqueue({ toolInput: { values: VALUES.values.slice(0, 1) } }, { toolInput: VALUES });

    const completed = await api.call('POST', `/conversations/${id}/complete`, { token: owner });

    expect(completed.json.outcome).toEqual(VALUES);
    expect(requestsFor('record_outcome')).toHaveLength(2);
    expect(JSON.stringify(requestsFor('record_outcome')[1]?.body.messages)).toContain('values');
  });
});

describe('memory, pause and resume', () => {
  it('folds older turns into a running summary past the token budget, so the turn input stays flat', async () => {
    const id = await start();
    bedrock.setDefault((request) =>
      JSON.stringify(request.body.toolConfig?.toolChoice).includes('record_summary')
        ? { toolInput: { summary: 'The owner told several long stories about the winter freeze.' } }
        : turn(),
    );
    const story = 'Last winter the pipes froze all over town and the whole team worked through the night. '.repeat(4);

    for (let i = 0; i < 10; i += 1) await say(id, `${i}: ${story}`);

    const turnSizes = requestsFor('record_turn').map((request) => JSON.stringify(request.body.messages).length);
    const detail = await api.call('GET', `/conversations/${id}`, { token: owner });
    expect(requestsFor('record_summary').length).toBeGreaterThan(0);
    expect(detail.json.conversation.summary).toContain('winter freeze');
    expect(Math.max(...turnSizes.slice(-4))).toBeLessThan(turnSizes[4]! * 1.5);
    expect(detail.json.totalMessages).toBe(21);
    const pages = [await api.call('GET', `/conversations/${id}?page_size=4`, { token: owner })];
    while (pages.at(-1)?.json.cursor) {
      const cursor = pages.at(-1)?.json.cursor as string;
      pages.push(await api.call('GET', `/conversations/${id}?page_size=4&cursor=${cursor}`, { token: owner }));
    }
    expect(pages[2]?.json.messages.map((message: { seq: number }) => message.seq)).toEqual([9, 10, 11, 12]);
    expect(pages[2]?.json).toMatchObject({ pageSize: 4, cursor: expect.any(String), totalMessages: 21 });
    expect(pages.map((page) => page.json.messages.length)).toEqual([4, 4, 4, 4, 4, 1]);
  });

  it('keeps state while paused, refuses replies, and resumes with a recap', async () => {
    const id = await start();
    await say(id, 'Punctuality matters to us.');

    const paused = await api.call('POST', `/conversations/${id}/pause`, { token: owner });
    const whilePaused = await say(id, 'Another thought.');
    const resumed = await api.call('POST', `/conversations/${id}/resume`, { token: owner });

    expect(paused.json.conversation.status).toBe('paused');
    expect(whilePaused.status).toBe(409);
    expect(resumed.json.conversation.status).toBe('active');
    expect(resumed.json.recap).toContain('exploration phase');
    expect(resumed.json.recap).toContain('Tell me about a day');
  });
});

describe('expiry and business context', () => {
  const table = (): string => api.stack.env.CONVERSATIONS_TABLE ?? 'coaching-conversations';
  const key = (id: string) => ({ pk: `TENANT#${TENANT}#CONV#${id}`, sk: 'META' });

  it('treats a conversation idle past its expiry as gone, even before TTL deletes it', async () => {
    const id = await start();
    await api.db.send(
      new UpdateCommand({
        TableName: table(),
        Key: key(id),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 60 },
      }),
    );

    const response = await api.call('GET', `/conversations/${id}`, { token: owner });

    expect(response.status).toBe(404);
  });

  it('fetches the business context again when it is older than a day', async () => {
    const id = await start();
    await api.db.send(
      new UpdateCommand({
        TableName: table(),
        Key: key(id),
        UpdateExpression: 'SET #context.fetchedAt = :old',
        ExpressionAttributeNames: { '#context': 'context' },
        ExpressionAttributeValues: { ':old': new Date(Date.now() - 2 * 86_400_000).toISOString() },
      }),
    );
    const before = api.stack.demoApi?.requests.length ?? 0;

    await say(id, 'Here is an update.');
    await say(id, 'And another one.');

    const fetched = (api.stack.demoApi?.requests.length ?? 0) - before;
    expect(fetched).toBe(3);
  });
});

describe('concurrency', () => {
  it('lets one of two racing replies through and answers the other 409, losing no message', async () => {
    const id = await start();
    bedrock.setDefault(() => ({ ...turn(), delayMs: 150 }));

    const [first, second] = await Promise.all([say(id, 'Reply A'), say(id, 'Reply B')]);
    const detail = await api.call('GET', `/conversations/${id}`, { token: owner });

    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const texts = detail.json.messages.map((message: { text: string }) => message.text);
    expect(texts.filter((text: string) => text === 'Reply A' || text === 'Reply B')).toHaveLength(1);
    expect(detail.json.messages.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 3]);
  });
});

describe('concurrency while the coach is answering', () => {
  it('answers 409 to a reply sent while an earlier one is still being answered, and frees the turn afterwards', async () => {
    const id = await start();
    bedrock.setDefault(() => ({ ...turn(), delayMs: 250 }));

    const first = say(id, 'First thought');
    await new Promise((resolve) => setTimeout(resolve, 60));
    const second = await say(id, 'Second thought');
    const firstDone = await first;
    const third = await say(id, 'Third thought');
    const detail = await api.call('GET', `/conversations/${id}`, { token: owner });

    expect([firstDone.status, second.status, third.status]).toEqual([200, 409, 200]);
    expect(
      detail.json.messages.map(
        (message: { role: string; text: string }) => `${message.role}:${message.role === 'user' ? message.text : ''}`,
      ),
    ).toEqual(['assistant:', 'user:First thought', 'assistant:', 'user:Third thought', 'assistant:']);
  });

  it('frees the turn when the model fails, so the owner can send again at once', async () => {
    const id = await start();
    bedrock.setDefault(() => ({ status: 400, errorType: 'ValidationException' }));
    const failed = await say(id, 'This one fails');
    bedrock.setDefault(() => turn());

    const retried = await say(id, 'Trying again');

    expect(failed.status).toBe(502);
    expect(retried.status).toBe(200);
  });
});

describe('nothing is stored for a request that failed', () => {
  const throttled: FakeResponse = { status: 429 };
  const listed = async (token: string): Promise<string[]> =>
    (await api.call('GET', '/conversations', { token })).json.items.map((item: { id: string }) => item.id);
  /** The stored messages of a conversation, as `role:text`. */
  const stored = async (id: string): Promise<string[]> =>
    (await api.call('GET', `/conversations/${id}`, { token: owner })).json.messages.map(
      (message: { role: string; text: string }) => `${message.role}:${message.text}`,
    );

  it('stores no conversation for a start the model could not answer, so a retry leaves exactly one', async () => {
    const newcomer = await api.token(TENANT, 'retrying-owner');
    bedrock.setDefault(() => throttled);

    const failed = await Promise.all(
      [1, 2].map(() =>
        api.call('POST', '/conversations', { token: newcomer, body: JSON.stringify({ topic: 'vision' }) }),
      ),
    );
    const afterFailures = await listed(newcomer);
    bedrock.setDefault(() => turn({ phase: 'introduction', intent: undefined }));
    const retried = await api.call('POST', '/conversations', {
      token: newcomer,
      body: JSON.stringify({ topic: 'vision' }),
    });

    expect(failed.map((response) => [response.status, response.json.error.code])).toEqual([
      [503, 'model_unavailable'],
      [503, 'model_unavailable'],
    ]);
    expect(afterFailures).toEqual([]);
    expect(retried.status).toBe(201);
    expect(await listed(newcomer)).toEqual([retried.json.conversation.id]);
  });

  it("stores no owner's message for a reply that failed, JSON or streamed, so each retry adds one copy", async () => {
    const id = await start();
    bedrock.setDefault(() => throttled);
    const json = await say(id, 'Lost once');
    bedrock.setDefault(() => ({
      ...turn({ reply: 'Half a reply that never ends' }),
      streamException: 'throttlingException',
    }));
    const streamed = await api.call('POST', `/conversations/${id}/messages/stream`, {
      token: owner,
      body: JSON.stringify({ message: 'Lost twice' }),
    });
    const afterFailures = await stored(id);
    bedrock.setDefault(() => turn({ reply: 'Got it.' }));
    const retried = await say(id, 'Sent again');

    expect(json.status).toBe(503);
    const events = parseEvents(streamed.text);
    expect(events[0]?.event).toBe('delta');
    expect(events.at(-1)?.event).toBe('error');
    expect(afterFailures).toEqual(['assistant:Welcome! Let us find your core values.']);
    expect(retried.status).toBe(200);
    expect(await stored(id)).toEqual([
      'assistant:Welcome! Let us find your core values.',
      'user:Sent again',
      'assistant:Got it.',
    ]);
  });
});

describe('intent and hand-off', () => {
  it('offers a human when the owner escalates', async () => {
    const id = await start();
    bedrock.enqueue(turn({ intent: { type: 'escalate', confidence: 0.95, entities: [] } }));

    const response = await say(id, 'I want to talk to a real person.');

    expect(response.json.handoff).toEqual({ offered: true, reason: 'escalate' });
    expect(response.json.conversation.handoffRequestedAt).toBeDefined();
  });

  it('offers a human after two unsure classifications in a row', async () => {
    const id = await start();
    bedrock.enqueue(
      turn({ intent: { type: 'off_topic', confidence: 0.3, entities: [] } }),
      turn({ intent: { type: 'question', confidence: 0.2, entities: [] } }),
    );

    const first = await say(id, 'Hmm.');
    const second = await say(id, 'What?');

    expect(first.json.handoff).toBeUndefined();
    expect(second.json.handoff).toEqual({ offered: true, reason: 'low_confidence' });
  });
});

describe('feedback, listing, isolation, deletion', () => {
  it('stores feedback on a coach message and refuses it on the owner’s own message', async () => {
    const id = await start();
    await say(id, 'Quality first.');

    const given = await api.call('POST', `/conversations/${id}/messages/msg-1/feedback`, {
      token: owner,
      body: JSON.stringify({ thumbs: 'up', rating: 5, comment: 'Spot on' }),
    });
    const onOwn = await api.call('POST', `/conversations/${id}/messages/msg-2/feedback`, {
      token: owner,
      body: JSON.stringify({ thumbs: 'down' }),
    });
    const detail = await api.call('GET', `/conversations/${id}`, { token: owner });

    expect(given.status).toBe(204);
    expect(onOwn.status).toBe(404);
    expect(detail.json.messages[0].feedback).toMatchObject({ thumbs: 'up', rating: 5, comment: 'Spot on' });
  });

  it("hides one user's conversation from another user and from another tenant (404), but not from a tenant admin", async () => {
    const id = await start();
    const colleague = await api.token(TENANT, 'colleague');
    const stranger = await api.token('northwind-saas', 'owner-1');
    const tenantAdmin = await api.token(TENANT, 'boss', 'admin');

    const results = await Promise.all([
      api.call('GET', `/conversations/${id}`, { token: colleague }),
      say(id, 'Sneaky', colleague),
      api.call('GET', `/conversations/${id}`, { token: stranger }),
      api.call('DELETE', `/conversations/${id}`, { token: stranger }),
      api.call('GET', `/conversations/${id}`, { token: tenantAdmin }),
    ]);
    const colleagueList = await api.call('GET', '/conversations', { token: colleague });
    const adminList = await api.call('GET', '/conversations?topic=core_values', { token: tenantAdmin });

    expect(results.map((result) => result.status)).toEqual([404, 404, 404, 404, 200]);
    expect(colleagueList.json.items.map((item: { id: string }) => item.id)).not.toContain(id);
    expect(adminList.json.items.map((item: { id: string }) => item.id)).toContain(id);
  });

  it('pages the list with a cursor that only its own list accepts', async () => {
    const pager = await api.token(TENANT, 'pager');
    const started = [await start(pager), await start(pager), await start(pager)];
    const colleague = await api.token(TENANT, 'colleague');

    const first = await api.call('GET', '/conversations?page_size=2', { token: pager });
    const second = await api.call('GET', `/conversations?page_size=2&cursor=${first.json.cursor}`, { token: pager });
    const borrowed = await api.call('GET', `/conversations?page_size=2&cursor=${first.json.cursor}`, {
      token: colleague,
    });
    const numbered = await api.call('GET', '/conversations?page=2', { token: pager });

    expect(first.json).toMatchObject({ pageSize: 2, cursor: expect.any(String) });
    expect(second.json.cursor).toBeUndefined();
    expect([...first.json.items, ...second.json.items].map((item: { id: string }) => item.id)).toEqual(
      [...started].reverse(),
    );
    expect(borrowed.status).toBe(400);
    expect(borrowed.json.error.details.problems).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
    expect(numbered.status).toBe(400);
  });

  it('lists by status and deletes a conversation with its messages', async () => {
    const id = await start();
    await api.call('POST', `/conversations/${id}/pause`, { token: owner });

    const paused = await api.call('GET', '/conversations?status=paused', { token: owner });
    const deleted = await api.call('DELETE', `/conversations/${id}`, { token: owner });
    const gone = await api.call('GET', `/conversations/${id}`, { token: owner });

    expect(paused.json.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
  });
});

describe('metering and bad input', () => {
  it('meters every turn as a conversation request', async () => {
    const before = (await api.call('GET', '/usage', { token: owner })).json.byRequestType.conversation.calls;
    const id = await start();
    await say(id, 'One more story.');

    const after = (await api.call('GET', '/usage', { token: owner })).json.byRequestType.conversation.calls;

    expect(after - before).toBe(2);
  });

  it("shows each conversation's tokens and cost so far, in the conversation and in the list", async () => {
    const costOfConversations = async (): Promise<number> =>
      (await api.call('GET', '/usage', { token: owner })).json.byRequestType.conversation?.costUsd ?? 0;
    const before = await costOfConversations();
    const usage = { inputTokens: 1000, outputTokens: 200, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
    bedrock.enqueue({ toolInput: aTurn({ phase: 'introduction', intent: undefined }), usage });
    const id = (
      await api.call('POST', '/conversations', { token: owner, body: JSON.stringify({ topic: 'core_values' }) })
    ).json.conversation.id as string;
    bedrock.enqueue({ toolInput: aTurn(), usage });
    const replied = await say(id, 'We once drove two hours to fix a boiler on Christmas Eve for a regular customer.');

    const detail = await api.call('GET', `/conversations/${id}`, { token: owner });
    const listed = await api.call('GET', '/conversations?page_size=100', { token: owner });
    const spent = (await costOfConversations()) - before;

    expect(replied.json.conversation.usage).toEqual(detail.json.conversation.usage);
    expect(detail.json.conversation.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 400,
      costUsd: expect.closeTo(spent, 6),
    });
    expect(detail.json.conversation.usage.costUsd).toBeGreaterThan(0);
    expect(listed.json.items.find((item: { id: string }) => item.id === id)?.usage).toEqual(
      detail.json.conversation.usage,
    );
  });

  it.each([
    ['POST', '/conversations', '{"topic":"astrology"}'],
    ['POST', '/conversations', '{"topic":"vision","extra":1}'],
    ['POST', '/conversations', 'nope'],
    ['POST', '/conversations/not-a-uuid/messages', '{"message":"hi"}'],
    ['POST', '/conversations/00000000-0000-0000-0000-000000000000/messages', '{"message":""}'],
    ['POST', '/conversations/00000000-0000-0000-0000-000000000000/messages', '{"message":"hi"}'],
    ['GET', '/conversations?status=archived', undefined],
    ['GET', '/conversations?page_size=500', undefined],
    ['PUT', '/conversations/00000000-0000-0000-0000-000000000000/outcome', '{"accept":"yes"}'],
    ['POST', '/conversations/00000000-0000-0000-0000-000000000000/messages/7/feedback', '{"thumbs":"up"}'],
    ['POST', '/conversations/00000000-0000-0000-0000-000000000000/messages/msg-1/feedback', '{"thumbs":"sideways"}'],
    [
      'POST',
      '/conversations/00000000-0000-0000-0000-000000000000/messages/msg-1/feedback',
      '{"thumbs":"up","rating":9}',
    ],
  ])('%s %s %s is a 4xx', async (method, path, body) => {
    const response = await api.call(method, path, {
      token: owner,
      ...(body === undefined ? {} : { body }),
    });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(typeof response.json.error.code).toBe('string');
  });
});
