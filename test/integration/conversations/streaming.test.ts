import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import type { StreamLambdaHandler } from '../../../functions/shared/http/stream-route';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../../local/dev-jwt';
import { startTestApiWithModel, type ModelTestApi } from '../../support/local-api';
import { callFunctionUrl } from '../../support/function-url';
import { parseEvents } from '../../support/sse';

const TENANT = 'brightside-dental';
let api: ModelTestApi;
let owner: string;

let identityProvider: Server;
let published: JSONWebKeySet = { keys: [] };

beforeAll(async () => {
  // Like the deployed Function URL, the streaming function verifies tokens itself against the issuer's JWKS.
  identityProvider = createServer((_request, response) => response.end(JSON.stringify(published)));
  await new Promise<void>((resolve) => identityProvider.listen(0, '127.0.0.1', resolve));
  api = await startTestApiWithModel({
    USAGE_USER_REQUESTS_PER_MINUTE: '1000',
    JWKS_URL: `http://127.0.0.1:${(identityProvider.address() as AddressInfo).port}/.well-known/jwks.json`,
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
  });
  published = api.stack.jwks;
  owner = await api.token(TENANT, 'owner-7');
});

afterAll(async () => {
  await api.close();
  identityProvider.closeAllConnections();
  await new Promise((resolve) => identityProvider.close(resolve));
});

const REPLY =
  'Thanks for sharing that; losing your biggest client is a real blow, and it says a lot that you want to look at it ' +
  'calmly. What happened in the last few weeks before they left, and how did the team decide what to do next?';

const startConversation = async (): Promise<string> => {
  api.bedrock.enqueue({
    toolInput: {
      reply: 'Welcome!',
      phase: 'introduction',
      progress: 0,
      readyToComplete: false,
      suggestedReplies: [],
      extracted: {},
    },
  });
  const response = await api.call('POST', '/conversations', {
    token: owner,
    body: JSON.stringify({ topic: 'business_coaching' }),
  });
  return response.json.conversation.id;
};

describe('streaming a turn as Server-Sent Events', () => {
  it('sends the reply as delta events in order, then one turn event with the whole structured turn', async () => {
    const id = await startConversation();
    api.bedrock.enqueue({
      toolInput: {
        reply: REPLY,
        phase: 'exploration',
        progress: 0.2,
        readyToComplete: false,
        suggestedReplies: ['We paused the project'],
        extracted: {},
        intent: { type: 'share', confidence: 0.9, entities: [] },
      },
    });

    const response = await api.call('POST', `/conversations/${id}/messages/stream`, {
      token: owner,
      body: JSON.stringify({ message: 'We lost our biggest client last month.' }),
    });

    const events = parseEvents(response.text);
    const deltas = events.filter((event) => event.event === 'delta');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.map((event) => event.data.text).join('')).toBe(REPLY);
    expect(events.at(-1)?.event).toBe('turn');
    expect(events.at(-1)?.data.message.text).toBe(REPLY);
    expect(events.filter((event) => event.event === 'turn')).toHaveLength(1);
    expect(api.bedrock.requests.at(-1)?.stream).toBe(true);
  });

  it('answers a paused conversation with a plain 409 JSON error, before any event', async () => {
    const id = await startConversation();
    await api.call('POST', `/conversations/${id}/pause`, { token: owner });

    const response = await api.call('POST', `/conversations/${id}/messages/stream`, {
      token: owner,
      body: JSON.stringify({ message: 'Hello?' }),
    });

    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe('conflict');
  });
});

describe('the streaming function verifies the token itself (a Function URL has no authorizer)', () => {
  const replyAs = (handler: StreamLambdaHandler, token: string, id: string) =>
    callFunctionUrl(
      handler,
      {
        method: 'POST',
        path: `/conversations/${id}/messages/stream`,
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ message: 'Hi' }),
      },
      'streamConversationReply',
    );

  it('rejects a token signed by another key with 401, and serves a valid one', async () => {
    const id = await startConversation();
    const { handler } = await import('../../../functions/conversations/handlers/stream-conversation-reply');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ tenant_id: TENANT, sub: 'owner-7' })
      .setProtectedHeader({ alg: 'RS256', kid: 'dev-key-1' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    api.bedrock.enqueue({
      toolInput: {
        reply: 'Hello again.',
        phase: 'exploration',
        progress: 0.1,
        readyToComplete: false,
        suggestedReplies: [],
        extracted: {},
      },
    });

    const rejected = await replyAs(handler, forged, id);
    const served = await replyAs(handler, owner, id);

    expect(rejected.status).toBe(401);
    expect(JSON.parse(rejected.body).error.code).toBe('unauthorized');
    expect(served.status).toBe(200);
    expect(parseEvents(served.body).at(-1)?.event).toBe('turn');
  });
});
