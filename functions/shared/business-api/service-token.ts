import * as z from '../zod';
import type { ServiceTokenProvider } from './port';

/** The client-credentials secret as stored in Secrets Manager. */
export const clientCredentialsSchema = z.object({
  tokenUrl: z.url(),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  scope: z.optional(z.string().check(z.minLength(1))),
});
export type ClientCredentials = z.infer<typeof clientCredentialsSchema>;

const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z._default(z.number().check(z.positive()), 3600),
});
/** A token is renewed this long before it expires. */
const RENEW_BEFORE_MS = 60_000;

/**
 * OAuth2 client credentials for the .NET APIs: the secret comes from `loadSecret` (Powertools Parameters, cached);
 * the token is cached until a minute before it expires, and one request fetches it for concurrent callers.
 */
export class ClientCredentialsTokenProvider implements ServiceTokenProvider {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly loadSecret: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - RENEW_BEFORE_MS > this.now()) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const credentials = clientCredentialsSchema.parse(await this.loadSecret());
    const response = await fetch(credentials.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        ...(credentials.scope ? { scope: credentials.scope } : {}),
      }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`The token endpoint answered ${response.status}`);
    const body = tokenResponseSchema.parse(await response.json());
    this.cached = { token: body.access_token, expiresAt: this.now() + body.expires_in * 1000 };
    return body.access_token;
  }
}

/** A fixed token (local runs against the demo business API). */
export class StaticTokenProvider implements ServiceTokenProvider {
  constructor(private readonly value: string) {}

  async token(): Promise<string> {
    return this.value;
  }
}
