/**
 * The API's CORS contract with browsers, in one place: the stack configures API Gateway's preflight and the streaming
 * Function URLs with it (lib/constructs/api.ts) and the dev server answers with it (local/cors.ts), so the two cannot
 * drift. The functions themselves never add CORS headers: on AWS, API Gateway and the Function URL do (a function
 * that added them too would make browsers see them twice).
 */

/** Request headers a browser may send (the preflight's `access-control-allow-headers`). */
export const CORS_ALLOW_HEADERS: readonly string[] = [
  'authorization',
  'content-type',
  'idempotency-key',
  'if-none-match',
  'x-correlation-id',
];

/** Response headers a browser's script may read (`access-control-expose-headers`): every one the API sets. */
export const CORS_EXPOSE_HEADERS: readonly string[] = [
  'content-disposition',
  'etag',
  'idempotency-replayed',
  'location',
  'retry-after',
  'x-correlation-id',
  'x-usage-warning',
];

/** The methods the API's routes use (the preflight's `access-control-allow-methods`). */
export const CORS_ALLOW_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** How long a browser may cache a preflight's answer (`access-control-max-age`). */
export const CORS_MAX_AGE_SECONDS = 3600;
