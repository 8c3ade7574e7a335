import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../../../functions/shared/http/cors';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/local-api';

/**
 * CORS in the dev server, over HTTP, with the default CORS_ORIGINS (the usual local frontend origins): preflights
 * answered as API Gateway answers them, the allow headers on every answer to an allowed origin (JSON, errors, the
 * stream), none for another origin.
 */
const FRONTEND = 'http://localhost:5173';
const OTHER_LOCAL_FRONTEND = 'http://localhost:3000';
const STRANGER = 'https://evil.example.com';
const TENANT = 'acme-plumbing';

let api: TestApi;
let token: string;

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules' });
  token = await api.token(TENANT);
});

afterAll(() => api.close());

const preflight = (origin: string, path: string, method = 'POST'): Promise<ApiResponse> =>
  api.call('OPTIONS', path, {
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });

/** The response's CORS headers (and `vary`), by name. */
const corsHeadersOf = (response: ApiResponse): Record<string, string> =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));

describe('a preflight', () => {
  it.each([FRONTEND, OTHER_LOCAL_FRONTEND])(
    'from %s (a default origin) is answered 204 with the allow headers',
    async (origin) => {
      const response = await preflight(origin, '/conversations');

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(corsHeadersOf(response)).toEqual({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
        'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        vary: 'origin',
      });
    },
  );

  it('is answered for any path, as API Gateway answers it, the streaming route and an admin route too', async () => {
    const stream = await preflight(FRONTEND, '/conversations/c-1/messages/stream');
    const admin = await preflight(FRONTEND, '/admin/tenants/t-1/limits', 'PUT');

    expect([stream.status, admin.status]).toEqual([204, 204]);
    expect(stream.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(admin.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('from another origin is answered 204 without any allow header, so the browser refuses the request', async () => {
    const response = await preflight(STRANGER, '/conversations');

    expect(response.status).toBe(204);
    expect(corsHeadersOf(response)).toEqual({ vary: 'origin' });
  });
});

describe('an actual request', () => {
  it('from an allowed origin carries the allowed origin and the exposed headers', async () => {
    const response = await api.call('GET', '/insights', { token, headers: { origin: FRONTEND } });

    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': FRONTEND,
      'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
      vary: 'origin',
    });
    expect(response.headers.get('etag')).toBeTruthy();
  });

  it("carries them on an error too (the authorizer's 401, an unknown route's 404), so the page can read it", async () => {
    const unauthorized = await api.call('GET', '/insights', { headers: { origin: FRONTEND } });
    const unknown = await api.call('GET', '/nowhere', { token, headers: { origin: FRONTEND } });

    expect([unauthorized.status, unknown.status]).toEqual([401, 404]);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(unknown.headers.get('access-control-allow-origin')).toBe(FRONTEND);
  });

  it('from another origin is served without any allow header (the browser hides the answer)', async () => {
    const response = await api.call('GET', '/health', { headers: { origin: STRANGER } });

    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({ vary: 'origin' });
  });

  it('without an Origin (not a browser) carries no CORS header at all', async () => {
    const response = await api.call('GET', '/health');

    expect(corsHeadersOf(response)).toEqual({});
  });

  it('to the streaming route carries them on the event stream', async () => {
    const started = await api.call('POST', '/conversations', {
      token,
      body: JSON.stringify({ topic: 'core_values' }),
    });
    const id = started.json.conversation.id as string;

    const response = await api.call('POST', `/conversations/${id}/messages/stream`, {
      token,
      body: JSON.stringify({ message: 'Last winter the whole crew worked through the night.' }),
      headers: { origin: FRONTEND },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': FRONTEND,
      'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(','),
      vary: 'origin',
    });
    expect(response.text).toContain('event: turn');
  });
});
