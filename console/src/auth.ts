import { connection } from './api/client';

/** The console's runtime configuration: /config.json (the dev server's, or the one the stack writes to the bucket). */
export interface ConsoleConfig {
  readonly mode: 'local' | 'oidc';
  readonly apiUrl: string;
  readonly streamingUrl: string;
  readonly issuer?: string;
  readonly clientId?: string;
}

/** Who is signed in, read from the token's claims (display only: the API checks the token itself). */
export interface Session {
  readonly token: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly role: 'user' | 'admin' | 'platform-admin';
}

const KEY = 'coaching-console-session';

const claimsOf = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
};

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A session from a token: tenant from `tenant_id` (the dev tokens' and the default claim), `custom:tenantId` or `tenantId`; role from the groups claim. */
export const sessionOf = (token: string): Session => {
  const claims = claimsOf(token);
  const groups = Object.values(claims).find(Array.isArray) as string[] | undefined;
  const tenantId = textOf(claims.tenant_id ?? claims['custom:tenantId'] ?? claims.tenantId);
  const role = groups?.some((group) => /platform/i.test(group))
    ? 'platform-admin'
    : groups?.some((group) => /admin/i.test(group))
      ? 'admin'
      : 'user';
  return { token, tenantId, userId: textOf(claims.sub), role };
};

/** Loads /config.json and applies its API and streaming URLs. */
export const loadConfig = async (): Promise<ConsoleConfig> => {
  const response = await fetch('/config.json', { cache: 'no-store' });
  const config = (await response.json()) as ConsoleConfig;
  connection.apiUrl = config.apiUrl.replace(/\/$/, '');
  connection.streamingUrl = config.streamingUrl.replace(/\/$/, '');
  return config;
};

/** The stored session, when its token has not expired. */
export const storedSession = (): Session | undefined => {
  const token = sessionStorage.getItem(KEY);
  if (!token) return undefined;
  const { exp } = claimsOf(token) as { exp?: number };
  if (exp && exp * 1000 < Date.now()) return undefined;
  connection.token = token;
  return sessionOf(token);
};

/** Keeps the token for this tab and uses it for API calls. */
export const signIn = (token: string): Session => {
  sessionStorage.setItem(KEY, token);
  connection.token = token;
  return sessionOf(token);
};

/** Forgets the token. */
export const signOut = (): void => {
  sessionStorage.removeItem(KEY);
  connection.token = '';
};

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
}

const discover = async (issuer: string): Promise<Discovery> =>
  (await (await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).json()) as Discovery;

/** Starts the OIDC authorization code flow with PKCE (S256): stores the verifier and state, then redirects. */
export const startOidcSignIn = async (config: ConsoleConfig): Promise<void> => {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state }));
  const { authorization_endpoint } = await discover(config.issuer ?? '');
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId ?? '',
    redirect_uri: `${location.origin}/`,
    scope: 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.toString());
};

/** Finishes the flow when the page was opened with `?code=&state=`: exchanges the code for tokens. */
export const finishOidcSignIn = async (config: ConsoleConfig): Promise<Session | undefined> => {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const saved = JSON.parse(sessionStorage.getItem('pkce') ?? 'null') as { verifier: string; state: string } | null;
  if (!code || !saved || params.get('state') !== saved.state) return undefined;
  sessionStorage.removeItem('pkce');
  const { token_endpoint } = await discover(config.issuer ?? '');
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: config.clientId ?? '',
      redirect_uri: `${location.origin}/`,
      code_verifier: saved.verifier,
    }),
  });
  const tokens = (await response.json()) as { access_token?: string; id_token?: string };
  history.replaceState(null, '', '/');
  const token = tokens.access_token ?? tokens.id_token;
  return token ? signIn(token) : undefined;
};
