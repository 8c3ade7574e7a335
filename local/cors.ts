import type { IncomingHttpHeaders } from 'node:http';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../functions/shared/http/cors';
import { csv } from '../functions/shared/config';
import * as z from '../functions/shared/zod';

/** The browser origins the dev server allows when CORS_ORIGINS is unset: the usual local frontend dev servers. */
const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://localhost:3000'];

/** `scheme://host[:port]` exactly, as a browser sends it in `Origin` (no path, no trailing slash). */
const originSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) origin' })
  .check(z.refine((value) => new URL(value).origin === value, 'must be an origin: scheme://host[:port], no path'));

/** The dev server's CORS setting: CORS_ORIGINS, comma-separated origins. */
export const corsConfigSchema = z.object({
  CORS_ORIGINS: z._default(z.pipe(csv, z.array(originSchema)), DEFAULT_CORS_ORIGINS),
});

/** What the dev server does for CORS with one request. */
export interface CorsAnswer {
  /** The request is a preflight: answer it with these (204, no body) instead of routing it. */
  readonly preflight?: Readonly<Record<string, string>>;
  /** Headers to add to the request's response, whatever it is (JSON, an error, a stream). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * CORS as API Gateway answers it for the stack's origins, with the same contract (functions/shared/http/cors.ts). A
 * preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered 204 for any path; from an
 * allowed origin with the allowed methods and headers and the max age. A response to an allowed origin carries
 * `access-control-allow-origin` (the origin) and the exposed headers. A disallowed origin gets no allow header,
 * its preflight still 204 (the browser refuses the request then), so what a browser sees is what API Gateway does.
 * Every answer to a request with an `Origin` says `vary: origin`. A request without `Origin` is not CORS: no headers.
 */
export const corsAnswer = (
  allowedOrigins: readonly string[],
  method: string,
  headers: IncomingHttpHeaders,
): CorsAnswer => {
  const origin = headers.origin;
  if (origin === undefined) return { headers: {} };
  const allowed = allowedOrigins.includes(origin);
  const common: Record<string, string> = allowed
    ? { 'access-control-allow-origin': origin, vary: 'origin' }
    : { vary: 'origin' };
  if (method !== 'OPTIONS' || headers['access-control-request-method'] === undefined) {
    return {
      headers: allowed ? { ...common, 'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(',') } : common,
    };
  }
  return {
    headers: common,
    preflight: allowed
      ? {
          ...common,
          'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
          'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
          'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        }
      : common,
  };
};
