import { Agent, request } from 'node:http';
import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
let agent: Agent;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules' });
});

beforeEach(() => {
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
});

afterEach(() => {
  agent.destroy();
});

afterAll(async () => {
  await api.close();
});

/** One request on the keep-alive agent: the status, the Connection header and the local port it went out from. */
const send = (
  method: string,
  path: string,
  { body, token }: { body?: Buffer; token?: string } = {},
): Promise<{ status: number; connection?: string; localPort?: number; text: string }> =>
  new Promise((resolve, reject) => {
    const outgoing = request(
      `${api.stack.url}${path}`,
      {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            localPort: outgoing.socket?.localPort,
            text,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });

describe('the dev server on a keep-alive connection', () => {
  it('answers an oversized body with 413, then serves the next request on the same agent', async () => {
    const token = await api.token('acme-plumbing');
    const oversized = Buffer.from(JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));

    const rejected = await send('POST', '/insights/refresh', { body: oversized, token });
    const next = await send('GET', '/health');
    const after = await send('GET', '/health');

    expect(rejected.status).toBe(413);
    expect(JSON.parse(rejected.text).error.code).toBe('payload_too_large');
    expect(rejected.connection).toBe('close');
    expect(next.status).toBe(200);
    expect(after.status).toBe(200);
    expect(after.localPort).toBe(next.localPort);
  });

  it('serves the next request after one refused before its body was read (401)', async () => {
    const refused = await send('POST', '/insights/refresh', {
      body: Buffer.from(JSON.stringify({ a: 'x'.repeat(100_000) })),
    });
    const next = await send('GET', '/health');

    expect(refused.status).toBe(401);
    expect(next.status).toBe(200);
  });
});
