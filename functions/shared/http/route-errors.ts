import { ERROR_CODES, type ErrorCode } from '../errors';
import { shapeOf } from '../problems';
import { bodyHandlingOf, type RouteDefinition } from './route';

/**
 * The codes the pipeline itself answers a route with, from the route's shape: an undeclared query key or an invalid
 * field (every route), a cursor not of its list, a malformed path escape, a body that is not JSON, too deep or too large, a
 * missing or bad token, a role that does not reach the route, and an unexpected failure.
 */
const pipelineCodes = (route: RouteDefinition): ErrorCode[] => [
  'validation_error',
  ...(route.query && 'cursor' in (shapeOf(route.query) ?? {}) ? (['invalid_cursor'] as const) : []),
  ...(route.params ? (['invalid_path'] as const) : []),
  ...(bodyHandlingOf(route) === 'none' ? [] : (['malformed_body', 'body_too_deep', 'payload_too_large'] as const)),
  ...(route.auth === 'none' ? [] : (['unauthorized'] as const)),
  ...(route.auth === 'none' || route.auth === 'user' ? [] : (['forbidden'] as const)),
  ...(route.idempotent ? (['idempotency_key_in_progress', 'idempotency_key_reused'] as const) : []),
  'internal_error',
];

/**
 * Every error a route can answer with, by status (ascending), each status with its codes: the pipeline's for the
 * route's shape plus those its row declares (`errors`). The OpenAPI document and the dev server's response check
 * read this.
 */
export const routeErrors = (route: RouteDefinition): ReadonlyMap<number, readonly ErrorCode[]> => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...pipelineCodes(route), ...(route.errors ?? [])])) {
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
};
