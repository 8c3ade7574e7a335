import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientCredentialsTokenProvider } from '../../../functions/shared/business-api/service-token';

let server: Server;
let url: string;
const requests: { authorization?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push({ authorization: request.headers.authorization, body });
      response.setHeader('content-type', 'application/json');
      if (request.url === '/oauth/denied') {
        response.statusCode = 401;
        response.end(JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      response.end(JSON.stringify({ access_token: `token-${requests.length}`, expires_in: 600, token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('ClientCredentialsTokenProvider', () => {
  it('gets a token with client credentials, shares it, and renews it a minute before it expires', async () => {
    let now = 0;
    let secretReads = 0;
    const provider = new ClientCredentialsTokenProvider(
      async () => {
        secretReads += 1;
        return { tokenUrl: url, clientId: 'coaching', clientSecret: 's3cret', scope: 'traction.read' };
      },
      () => now,
    );

    const concurrent = await Promise.all([provider.token(), provider.token(), provider.token()]);
    now = 530_000;
    const stillValid = await provider.token();
    now = 541_000;
    const renewed = await provider.token();

    expect(concurrent).toEqual(['token-1', 'token-1', 'token-1']);
    expect(stillValid).toBe('token-1');
    expect(renewed).toBe('token-2');
    expect(secretReads).toBe(2);
    expect(requests[0]?.authorization).toBe(`Basic ${Buffer.from('coaching:s3cret').toString('base64')}`);
    expect(new URLSearchParams(requests[0]?.body)).toEqual(
      new URLSearchParams({ grant_type: 'client_credentials', scope: 'traction.read' }),
    );
  });

  it('refuses a secret without the fields it needs', async () => {
    const provider = new ClientCredentialsTokenProvider(async () => ({ tokenUrl: url }));

    await expect(provider.token()).rejects.toThrow();
  });

  it('asks for no scope when the secret names none', async () => {
    const provider = new ClientCredentialsTokenProvider(async () => ({
      tokenUrl: url,
      clientId: 'coaching',
      clientSecret: 's3cret',
    }));
    const before = requests.length;

    await provider.token();

    expect(new URLSearchParams(requests[before]?.body)).toEqual(
      new URLSearchParams({ grant_type: 'client_credentials' }),
    );
  });

  it('fails with the status the token endpoint refused with, and asks again on the next call', async () => {
    const provider = new ClientCredentialsTokenProvider(async () => ({
      tokenUrl: url.replace(/token$/, 'denied'),
      clientId: 'coaching',
      clientSecret: 'wrong',
    }));
    const before = requests.length;

    const first = provider.token();
    await expect(first).rejects.toThrow('The token endpoint answered 401');
    const second = provider.token();
    await expect(second).rejects.toThrow('The token endpoint answered 401');

    expect(requests.length - before).toBe(2);
  });
});
