import type { Context } from 'aws-lambda';
import { ValidationError } from '../errors';

/** The header a client names a request by, to send it again safely (lower case, as the pipeline normalizes it). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** One request that runs at most once per key: whose it is, on which route, and what must match on a repeat. */
export interface IdempotentRequest {
  readonly tenantId: string;
  readonly userId: string;
  /** The route's name: a key is the user's on one route. */
  readonly route: string;
  readonly key: string;
  /** What a repeat must send again (the validated path and body); another payload with the key is refused. */
  readonly payload: unknown;
  /** The invocation's Lambda context: a request in progress holds its key only until the invocation ends. */
  readonly context?: Context;
}

/** A request's result, and whether it is the stored result of an earlier request with the key. */
export interface IdempotentResult<T> {
  readonly result: T;
  readonly replayed: boolean;
}

/**
 * Runs a request at most once per key (tenant, user, route) within the key's lifetime: a repeat gets the first
 * result, a request with the key and another payload is refused (422 `idempotency_key_reused`), one sent while the
 * first is in progress too (409 `idempotency_key_in_progress`). A request that fails keeps nothing: the key is free
 * again. `run`'s result must be JSON.
 */
export interface IdempotencyGuard {
  once<T>(request: IdempotentRequest, run: () => Promise<T>): Promise<IdempotentResult<T>>;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key, if it sent one: 1-255 visible ASCII characters (400 otherwise). */
export const idempotencyKeyOf = (
  headers: Readonly<Record<string, string | undefined>> | undefined,
): string | undefined => {
  const key = headers?.[IDEMPOTENCY_KEY_HEADER];
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new ValidationError('Invalid Idempotency-Key header', [
      { field: 'header.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return key;
};
