/**
 * The errors the service raises on purpose. Each class carries its HTTP status (`statusCode`, the http-errors
 * convention middy uses), a stable machine-readable `code`, whether its message may be shown to the caller
 * (`expose`), and optional `details` and response headers. The one error mapper (shared/http/error-response.ts)
 * reads these and nothing else; anything that is not an AppError is a 500 with no internals.
 */

/** One entry per validation problem, so a client can show every problem at once. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** What a 5xx tells the caller when the error has no public message of its own. */
export const GENERIC_SERVER_MESSAGE = 'Something went wrong on our side. Try again later.';

/** Base class of every error the service raises on purpose. */
export abstract class AppError extends Error {
  /** The HTTP status a request that fails with this error answers. */
  abstract readonly statusCode: number;
  /** The stable, machine-readable error code of the response body. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /**
   * Whether `message` is written for the caller (http-errors' `expose`). Our errors' messages are, unless a class
   * says otherwise and gives a `publicMessage` instead.
   */
  get expose(): boolean {
    return true;
  }

  /** The message the caller sees. */
  get publicMessage(): string {
    return this.expose ? this.message : GENERIC_SERVER_MESSAGE;
  }

  /** Structured details for the caller (the response body's `error.details`), if any. */
  get details(): unknown {
    return undefined;
  }

  /** Response headers that come with this error (e.g. Retry-After). */
  get headers(): Readonly<Record<string, string>> {
    return {};
  }
}

/** The request is malformed: wrong types, out-of-range values, unknown enum values. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly statusCode = 400;
  readonly code = 'validation_error';
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
  override get details(): unknown {
    return this.problems.length > 0 ? this.problems : undefined;
  }
}

/** The request is well-formed but its content is rejected (e.g. a template that fails validation). */
export class UnprocessableError extends AppError {
  override readonly name = 'UnprocessableError';
  readonly statusCode = 422;
  readonly code: string;
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
    code = 'unprocessable',
  ) {
    super(message);
    this.code = code;
  }
  override get details(): unknown {
    return this.problems.length > 0 ? this.problems : undefined;
  }
}

/** The body is not JSON, or not the media type the route accepts. */
export class MalformedBodyError extends AppError {
  override readonly name = 'MalformedBodyError';
  readonly statusCode = 400;
  readonly code = 'malformed_body';
}

/** The body is larger than the route accepts. */
export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
}

/** No valid credentials: missing, expired or forged token, or required claims absent. */
export class UnauthorizedError extends AppError {
  override readonly name = 'UnauthorizedError';
  readonly statusCode = 401;
  readonly code = 'unauthorized';
}

/** Valid credentials that do not allow this operation. */
export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  readonly statusCode = 403;
  readonly code = 'forbidden';
}

/** The resource does not exist for this tenant (existence in other tenants is never revealed). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly statusCode = 404;
  readonly code = 'not_found';
}

/** The route does not exist (local server) or the method is not allowed. */
export class RouteNotFoundError extends AppError {
  override readonly name = 'RouteNotFoundError';
  readonly statusCode = 404;
  readonly code = 'route_not_found';
}

/**
 * A stored item does not match the schema its store reads it with (a hand edit, or a bug that wrote it): the read
 * fails loudly instead of passing a wrong shape on. A 500 like any unexpected error; the message, which names the
 * item and every problem, goes to the logs only.
 */
export class CorruptItemError extends AppError {
  override readonly name = 'CorruptItemError';
  readonly statusCode = 500;
  readonly code = 'internal_error';
  override get expose(): boolean {
    return false;
  }
}

/** A conditional write lost a race, or the resource exists with different content. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly statusCode = 409;
  readonly code: string;
  constructor(message: string, code = 'conflict') {
    super(message);
    this.code = code;
  }
}

/** The caller must wait; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends AppError {
  override readonly name: string = 'RateLimitedError';
  readonly statusCode = 429;
  readonly code: string;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(message);
    this.code = code;
  }
  override get headers(): Readonly<Record<string, string>> {
    return { 'retry-after': String(this.retryAfterSeconds) };
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
  override get details(): unknown {
    return { exceeded: this.exceeded, resetAt: this.resetAt.toISOString() };
  }
}

/** A dependency we cannot do without (e.g. every business data source) failed. */
export class UpstreamUnavailableError extends AppError {
  override readonly name = 'UpstreamUnavailableError';
  readonly statusCode = 502;
  readonly code = 'upstream_unavailable';
}

/** The work is in progress elsewhere or a dependency is saturated; `retryAfterSeconds` becomes Retry-After. */
export class ServiceBusyError extends AppError {
  override readonly name = 'ServiceBusyError';
  readonly statusCode = 503;
  readonly code = 'service_busy';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
  override get headers(): Readonly<Record<string, string>> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/** What a caller is told when a model fails: the model's own message can name accounts, roles or models. */
const MODEL_FAILURE_MESSAGE = 'The coaching model could not answer right now; try again shortly.';

/** A model call failed: its own message goes to the logs only; the caller sees a generic one. */
abstract class ModelCallError extends AppError {
  override get expose(): boolean {
    return false;
  }
  override get publicMessage(): string {
    return MODEL_FAILURE_MESSAGE;
  }
}

/** The model could not be reached or kept throttling after retries; callers fall back. */
export class ModelUnavailableError extends ModelCallError {
  override readonly name = 'ModelUnavailableError';
  readonly statusCode = 503;
  readonly code = 'model_unavailable';
}

/**
 * A model call did not finish in time: its deadline (the caller's remaining time) or Bedrock's request timeout cut
 * it. Distinct from ModelUnavailableError (the model refused or failed): the call may have been working when cut.
 */
export class ModelTimeoutError extends ModelCallError {
  override readonly name = 'ModelTimeoutError';
  readonly statusCode = 504;
  readonly code = 'model_timeout';
  override get publicMessage(): string {
    return 'The coaching model did not answer in time; try again.';
  }
}

/**
 * This deployment has no language model (LLM_PROVIDER=rules) and the request has no offline path: retrying will not
 * help, configuring a model will. A 503 like any unavailable dependency, with a message that says what to change.
 */
export class ModelNotConfiguredError extends AppError {
  override readonly name = 'ModelNotConfiguredError';
  readonly statusCode = 503;
  readonly code = 'model_not_configured';
}

/** The model rejected the request (validation, access denied, unknown model); retrying will not help. */
export class ModelRequestError extends ModelCallError {
  override readonly name = 'ModelRequestError';
  readonly statusCode = 502;
  readonly code = 'model_request_rejected';
}

/** No valid template could be loaded for a topic (index, bucket and bundled copy all failed). */
export class PromptUnavailableError extends AppError {
  override readonly name = 'PromptUnavailableError';
  readonly statusCode = 503;
  readonly code = 'prompt_unavailable';
  override get expose(): boolean {
    return false;
  }
  override get publicMessage(): string {
    return 'The coaching prompt for this request is unavailable right now; try again shortly.';
  }
}

/** A template could not be rendered: unbalanced braces, undeclared or missing variables. */
export class PromptRenderError extends AppError {
  override readonly name = 'PromptRenderError';
  readonly statusCode = 500;
  readonly code = 'prompt_render_failed';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(`${message}: ${problems.join('; ')}`);
  }
  override get expose(): boolean {
    return false;
  }
  override get publicMessage(): string {
    return 'The coaching prompt could not be prepared; the team has been alerted.';
  }
}

/**
 * A generation job could not use the model's answer (invalid after the repair round, timed out, rejected): `code`
 * says why, and becomes the job's reason; the set that is there stays in place.
 */
export class GenerationFailedError extends AppError {
  override readonly name = 'GenerationFailedError';
  readonly statusCode = 502;
  readonly code: string;
  constructor(reason: string) {
    super(`The model's answer could not be used (${reason})`);
    this.code = reason;
  }
}
