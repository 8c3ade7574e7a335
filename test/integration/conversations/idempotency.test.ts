import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FakeResponse } from '../../../local/fake-bedrock';
import { aTurn } from '../../support/conversation-factory';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';

/** Idempotency-Key on the conversation routes, over HTTP: the local runtime on a fake Bedrock and dynalite. */
const TENANT = 'acme-plumbing';
let api: ModelTestApi;
let owner: string;

beforeAll(async () => {
  api = await startTestApiWithModel({ USAGE_USER_REQUESTS_PER_MINUTE: '1000', BEDROCK_RETRY_DELAY_MS: '0' });
  owner = await api.token(TENANT, 'owner-idem');
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  api.bedrock.reset();
  api.bedrock.setDefault(() => ({ toolInput: aTurn() }));
});

const opening: FakeResponse = { toolInput: aTurn({ phase: 'introduction', intent: undefined, reply: 'Welcome!' }) };
const start = (key: string | undefined, topic = 'core_values', token = owner) =>
  api.call('POST', '/conversations', {
    token,
    body: JSON.stringify({ topic }),
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });
const say = (id: string, message: string, key: string) =>
  api.call('POST', `/conversations/${id}/messages`, {
    token: owner,
    body: JSON.stringify({ message }),
    headers: { 'idempotency-key': key },
  });
const listed = async (token = owner): Promise<string[]> =>
  (await api.call('GET', '/conversations?page_size=100', { token })).json.items.map((item: { id: string }) => item.id);
const texts = async (id: string): Promise<string[]> =>
  (await api.call('GET', `/conversations/${id}`, { token: owner })).json.messages.map(
    (message: { role: string; text: string }) => `${message.role}:${message.text}`,
  );

describe('POST /conversations with an Idempotency-Key', () => {
  it('answers a repeat with the first status and body, and opens nothing more', async () => {
    const before = await listed();
    api.bedrock.enqueue(opening);

    const first = await start('open-1');
    const repeat = await start('open-1');

    expect(first.status).toBe(201);
    expect(repeat.status).toBe(201);
    expect(repeat.json).toEqual(first.json);
    expect(repeat.headers.get('idempotency-replayed')).toBe('true');
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(api.bedrock.callCount()).toBe(1);
    expect(await listed()).toEqual([first.json.conversation.id, ...before]);
  });

  it('refuses the key with another body (422 idempotency_key_reused), and takes it on another route or user', async () => {
    api.bedrock.enqueue(opening, opening, { toolInput: aTurn({ reply: 'Go on.' }) });
    const first = await start('shared-key');
    const colleague = await api.token(TENANT, 'colleague-idem');

    const reused = await start('shared-key', 'vision');
    const otherUser = await start('shared-key', 'core_values', colleague);
    const otherRoute = await say(first.json.conversation.id, 'Hello', 'shared-key');

    expect(reused.status).toBe(422);
    expect(reused.json.error).toMatchObject({
      code: 'idempotency_key_reused',
      details: { problems: [{ field: 'header.idempotency-key', message: expect.any(String) }] },
    });
    expect(otherUser.status).toBe(201);
    expect(otherUser.json.conversation.id).not.toBe(first.json.conversation.id);
    expect(otherRoute.status).toBe(200);
  });

  it('answers a duplicate sent while the first is in progress with 409, and the first result after', async () => {
    api.bedrock.enqueue({ ...opening, delayMs: 500 });

    const [first, duplicate] = await Promise.all([
      start('slow-1'),
      new Promise((resolve) => setTimeout(resolve, 150)).then(() => start('slow-1')),
    ]);
    const after = await start('slow-1');

    expect(first.status).toBe(201);
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error.code).toBe('idempotency_key_in_progress');
    expect(after.json).toEqual(first.json);
    expect(api.bedrock.callCount()).toBe(1);
  });

  it('keeps nothing of a request that failed: the key runs the request again', async () => {
    api.bedrock.setDefault(() => ({ status: 429 }));
    const failed = await start('retry-1');
    api.bedrock.setDefault(() => opening);

    const retried = await start('retry-1');

    expect(failed.status).toBe(503);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotency-replayed')).toBeNull();
  });

  it('keeps its records in the tenant’s partition, by route', async () => {
    api.bedrock.enqueue(opening);
    await start('partitioned-1');

    const { Items = [] } = await api.db.send(
      new QueryCommand({
        TableName: api.stack.env.CONVERSATION_REQUESTS_TABLE ?? 'coaching-conversation-requests',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `TENANT#${TENANT}` },
      }),
    );

    expect(Items.length).toBeGreaterThan(0);
    expect(Items.every((item) => String(item.sk).startsWith('POST /conversations'))).toBe(true);
    expect(Items.every((item) => Number(item.expiresAt) > Date.now() / 1000 + 23 * 3600)).toBe(true);
  });

  it('refuses a key that is not 1-255 visible characters (400)', async () => {
    const response = await start('x'.repeat(256));

    expect(response.status).toBe(400);
    expect(response.json.error.details.problems).toEqual([
      { field: 'header.idempotency-key', message: expect.any(String) },
    ]);
  });
});

describe('POST /conversations/{id}/messages with an Idempotency-Key', () => {
  it("answers a repeat with the first turn and stores the owner's message once", async () => {
    api.bedrock.enqueue(opening, { toolInput: aTurn({ reply: 'Tell me more.' }) });
    const id = (await start(undefined)).json.conversation.id as string;

    const first = await say(id, 'We show up on time.', 'reply-1');
    const repeat = await say(id, 'We show up on time.', 'reply-1');
    const changed = await say(id, 'Something else.', 'reply-1');

    expect(repeat.status).toBe(200);
    expect(repeat.json).toEqual(first.json);
    expect(changed.status).toBe(422);
    expect(await texts(id)).toEqual(['assistant:Welcome!', 'user:We show up on time.', 'assistant:Tell me more.']);
  });
});
