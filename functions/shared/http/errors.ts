/** One entry per validation problem, so a client can show every problem at once. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Base class of every error the service raises on purpose; `code` is the stable machine-readable id. */
export abstract class AppError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The request is malformed: wrong types, out-of-range values, unknown enum values. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly code = 'validation_error';
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

/** The request is well-formed but its content is rejected (e.g. a template that fails validation). */
export class UnprocessableError extends AppError {
  override readonly name = 'UnprocessableError';
  readonly code: string;
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
    code = 'unprocessable',
  ) {
    super(message);
    this.code = code;
  }
}

/** The body is not JSON, or not the media type the route accepts. */
export class MalformedBodyError extends AppError {
  override readonly name = 'MalformedBodyError';
  readonly code = 'malformed_body';
}

/** The body is larger than the route accepts. */
export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'payload_too_large';
}

/** No valid credentials: missing, expired or forged token, or required claims absent. */
export class UnauthorizedError extends AppError {
  override readonly name = 'UnauthorizedError';
  readonly code = 'unauthorized';
}

/** Valid credentials that do not allow this operation. */
export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  readonly code = 'forbidden';
}

/** The resource does not exist for this tenant (existence in other tenants is never revealed). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
}

/** A conditional write lost a race, or the resource exists with different content. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly code = 'conflict';
}

/** The caller must wait; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends AppError {
  override readonly name: string = 'RateLimitedError';
  readonly code: string;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(message);
    this.code = code;
  }
}

/** A tenant's monthly token or cost budget is spent; it resets at `resetAt` (the start of the next UTC month). */
export class UsageLimitExceededError extends RateLimitedError {
  override readonly name = 'UsageLimitExceededError';
  constructor(
    readonly exceeded: 'tokens' | 'cost',
    readonly resetAt: Date,
    now: Date,
  ) {
    super(
      `The monthly ${exceeded === 'tokens' ? 'token' : 'cost'} budget is used up; it resets at ${resetAt.toISOString()}`,
      Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
      'usage_limit_exceeded',
    );
  }
}

/** A dependency we cannot do without (e.g. every business data source) failed. */
export class UpstreamUnavailableError extends AppError {
  override readonly name = 'UpstreamUnavailableError';
  readonly code = 'upstream_unavailable';
}

/** The route does not exist (local server) or the method is not allowed. */
export class RouteNotFoundError extends AppError {
  override readonly name = 'RouteNotFoundError';
  readonly code = 'route_not_found';
}

/** The work is in progress elsewhere or a dependency is saturated; `retryAfterSeconds` becomes Retry-After. */
export class ServiceBusyError extends AppError {
  override readonly name = 'ServiceBusyError';
  readonly code = 'service_busy';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
