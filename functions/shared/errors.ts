/**
 * The errors the service raises on purpose. Each class carries a stable, machine-readable `code` from ERROR_CODES,
 * which gives its HTTP status (`statusCode`, the http-errors convention middy uses), whether its message may be shown
 * to the caller (`expose`), and optional `details` and response headers. The one error mapper
 * (shared/http/error-response.ts) reads these and nothing else; anything that is not an AppError is a 500 with no
 * internals. The README's error table and the OpenAPI document are checked against ERROR_CODES.
 */
import * as z from './zod';

/**
 * Every code an error body (or a job's `reason`) can carry, with its status, what a caller can do about it, and
 * whether its answer says when to try again (`Retry-After`). An error class can only carry a code listed here: a new
 * code is a new line, and the README and OpenAPI tests then ask for its documentation.
 */
export const ERROR_CODES = {
  validation_error: {
    status: 400,
    meaning: 'a query parameter, path parameter or body field is invalid: fix the fields `details.problems` names',
  },
  invalid_cursor: {
    status: 400,
    meaning: 'the cursor is not one this list issued (another list, tenant or user, or edited): start again without it',
  },
  invalid_path: { status: 400, meaning: 'the path is not valid percent-encoding: encode it with encodeURIComponent' },
  malformed_body: { status: 400, meaning: 'the body is not JSON, or not sent as `application/json`' },
  body_too_deep: {
    status: 400,
    meaning: 'the JSON body nests arrays and objects deeper than 64 levels: send a flatter body',
  },
  unauthorized: {
    status: 401,
    meaning: 'the bearer token is missing, expired, forged or lacks the tenant or user claim: sign in again',
  },
  forbidden: { status: 403, meaning: 'the token is valid but its role does not allow this route' },
  not_found: { status: 404, meaning: "no such resource in the caller's tenant (other tenants' are never revealed)" },
  no_business_data: {
    status: 404,
    meaning:
      "the business data APIs know nothing of the caller's tenant: set it up in the Account and Traction services",
  },
  route_not_found: {
    status: 404,
    meaning: 'no route has this method and path (the dev server; API Gateway answers its own 404)',
  },
  conflict: { status: 409, meaning: 'the resource changed meanwhile or is in another state: reload it and try again' },
  idempotency_key_in_progress: {
    status: 409,
    meaning: 'a request with this Idempotency-Key is still being answered: send it again once it has answered',
  },
  payload_too_large: { status: 413, meaning: 'the body is larger than MAX_BODY_BYTES' },
  unprocessable: { status: 422, meaning: 'the request is well-formed but cannot be done: see `details.problems`' },
  invalid_template: { status: 422, meaning: 'the template fails validation: `details.problems` lists every problem' },
  invalid_outcome: {
    status: 422,
    meaning: "the outcome does not match the topic's schema: `details.problems` names the fields",
  },
  idempotency_key_reused: {
    status: 422,
    meaning: 'this Idempotency-Key was used with another body: use a new key for a new request',
  },
  not_ready: {
    status: 422,
    meaning: 'the conversation does not meet its completion criteria yet: `details.problems` says what is missing',
  },
  rate_limited: {
    status: 429,
    retryAfter: true,
    meaning: 'too many requests or refreshes: wait for `Retry-After` seconds',
  },
  usage_limit_exceeded: {
    status: 429,
    retryAfter: true,
    meaning: "the tenant's monthly token or cost budget is spent until `details.resetAt`",
  },
  internal_error: { status: 500, meaning: 'an unexpected failure; the log has it with the correlation id' },
  prompt_render_failed: {
    status: 500,
    meaning: 'the coaching prompt could not be prepared (a template defect the team is alerted to)',
  },
  response_contract_violation: {
    status: 500,
    meaning: "the dev server: a handler's response does not match its documented schema",
  },
  upstream_unavailable: {
    status: 502,
    meaning: 'the business data sources or the knowledge base could not be read: try again later',
  },
  model_request_rejected: {
    status: 502,
    meaning: 'the model refused the request (validation, access, unknown model): retrying will not help',
  },
  invalid_output: {
    status: 502,
    meaning: "a generation job could not use the model's answer, even after a repair round",
  },
  model_failed: { status: 502, meaning: 'a generation job failed in the model for a reason it did not name' },
  model_output_invalid: {
    status: 502,
    meaning:
      "the model's analysis stayed invalid or inconsistent after a repair round (`details.problems` says how); nothing was stored",
  },
  not_queued: {
    status: 503,
    meaning: 'a generation job could not be put on its queue: the next read or refresh starts another',
  },
  service_busy: {
    status: 503,
    retryAfter: true,
    meaning: 'the work is in progress elsewhere: wait for `Retry-After` seconds',
  },
  model_unavailable: { status: 503, meaning: 'the model could not be reached or kept throttling: try again shortly' },
  prompt_unavailable: { status: 503, meaning: 'no valid template could be loaded for the request: try again shortly' },
  model_not_configured: {
    status: 503,
    meaning:
      'this deployment has no language model (LLM_PROVIDER=rules) for a request with no offline path: configure one',
  },
  no_capable_model: {
    status: 503,
    meaning: 'no model the request may use can do what it needs (e.g. force a tool): its template needs a capable one',
  },
  model_timeout: { status: 504, meaning: "the model did not answer within the request's time budget: try again" },
} as const satisfies Readonly<
  Record<string, { readonly status: number; readonly meaning: string; readonly retryAfter?: true }>
>;

/** A code of ERROR_CODES. */
export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes that answer with status `S`. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never;
}[ErrorCode];

/**
 * What a call through the model gateway can fail with: the user's rate, the tenant's budget, the model (refused,
 * unreachable, too slow, or none configured) and the prompt (not loadable, not renderable). Routes whose use case
 * calls a model list these.
 */
export const MODEL_CALL_ERRORS = [
  'rate_limited',
  'usage_limit_exceeded',
  'model_request_rejected',
  'model_unavailable',
  'model_timeout',
  'model_not_configured',
  'no_capable_model',
  'prompt_unavailable',
  'prompt_render_failed',
] as const satisfies readonly ErrorCode[];

/** Whether a string (a stored job reason, say) is one of the codes. */
export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

/** One problem of a field (`query.page_size`, `body.topic`, `model.max_tokens`), so a client can show every one. */
export const fieldProblemSchema = z.object({ field: z.string(), message: z.string() });
/** One problem of a field. */
export type FieldProblem = Readonly<z.infer<typeof fieldProblemSchema>>;

/**
 * The one shape of an error body's `details`: each error fills the members that apply (a validation error its
 * `problems`, a spent budget `exceeded` and `resetAt`).
 */
export const errorDetailsSchema = z.object({
  /** Every problem of the request, each with its field. */
  problems: z.optional(z.array(fieldProblemSchema)),
  /** The monthly budget that is spent. */
  exceeded: z.optional(z.enum(['tokens', 'cost'])),
  /** When the spent budget resets (the start of the next UTC month). */
  resetAt: z.optional(z.iso.datetime()),
});
/** An error body's `details`. */
export type ErrorDetails = z.infer<typeof errorDetailsSchema>;

/** The details of an error that lists problems: none when there are none. */
const problemDetails = (problems: readonly FieldProblem[]): ErrorDetails | undefined =>
  problems.length > 0 ? { problems: [...problems] } : undefined;

/** What a 5xx tells the caller when the error has no public message of its own. */
export const GENERIC_SERVER_MESSAGE = 'Something went wrong on our side. Try again later.';

/** Base class of every error the service raises on purpose. */
export abstract class AppError extends Error {
  /** The stable, machine-readable error code of the response body. */
  abstract readonly code: ErrorCode;

  /** The HTTP status a request that fails with this error answers: its code's. */
  get statusCode(): number {
    return ERROR_CODES[this.code].status;
  }

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
  get details(): ErrorDetails | undefined {
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
  readonly code = 'validation_error';
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
  override get details(): ErrorDetails | undefined {
    return problemDetails(this.problems);
  }
}

/** The request is well-formed but its content is rejected (e.g. a template that fails validation). */
export class UnprocessableError extends AppError {
  override readonly name = 'UnprocessableError';
  readonly code: CodeWithStatus<422>;
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
    code: CodeWithStatus<422> = 'unprocessable',
  ) {
    super(message);
    this.code = code;
  }
  override get details(): ErrorDetails | undefined {
    return problemDetails(this.problems);
  }
}

/** A path that is not valid percent-encoding (`%ZZ`, a cut UTF-8 sequence): its parameters cannot be read. */
export class InvalidPathError extends AppError {
  override readonly name = 'InvalidPathError';
  readonly code = 'invalid_path';
}

/**
 * A list cursor this list did not issue: another list's, another tenant's or user's, edited, or not a cursor at all.
 * Cursors are always a query parameter, so the problem is `query.cursor`.
 */
export class InvalidCursorError extends AppError {
  override readonly name = 'InvalidCursorError';
  readonly code = 'invalid_cursor';
  constructor() {
    super('The cursor is not a cursor of this list');
  }
  override get details(): ErrorDetails {
    return {
      problems: [
        {
          field: 'query.cursor',
          message: 'is not a cursor of this list; pass the cursor of the previous page, or none',
        },
      ],
    };
  }
}

/** The body is not JSON, or not the media type the route accepts. */
export class MalformedBodyError extends AppError {
  override readonly name = 'MalformedBodyError';
  readonly code = 'malformed_body';
}

/** The JSON body nests arrays and objects deeper than the service reads. */
export class BodyTooDeepError extends AppError {
  override readonly name = 'BodyTooDeepError';
  readonly code = 'body_too_deep';
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

/** The route does not exist (local server) or the method is not allowed. */
export class RouteNotFoundError extends AppError {
  override readonly name = 'RouteNotFoundError';
  readonly code = 'route_not_found';
}

/**
 * A stored item does not match the schema its store reads it with (a hand edit, or a bug that wrote it): the read
 * fails loudly instead of passing a wrong shape on. A 500 like any unexpected error; the message, which names the
 * item and every problem, goes to the logs only.
 */
export class CorruptItemError extends AppError {
  override readonly name = 'CorruptItemError';
  readonly code = 'internal_error';
  override get expose(): boolean {
    return false;
  }
}

/** A conditional write lost a race, or the resource exists with different content. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly code: CodeWithStatus<409>;
  constructor(message: string, code: CodeWithStatus<409> = 'conflict') {
    super(message);
    this.code = code;
  }
}

/** The caller must wait; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends AppError {
  override readonly name: string = 'RateLimitedError';
  readonly code: CodeWithStatus<429>;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code: CodeWithStatus<429> = 'rate_limited',
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
  override get details(): ErrorDetails {
    return { exceeded: this.exceeded, resetAt: this.resetAt.toISOString() };
  }
}

/**
 * The business data services have no records at all for the tenant (every source answered 404): there is nothing to
 * coach on until the business is set up there. Unlike UpstreamUnavailableError, trying again will not help.
 */
export class NoBusinessDataError extends AppError {
  override readonly name = 'NoBusinessDataError';
  readonly code = 'no_business_data';
}

/** A dependency we cannot do without (every business data source, the Bedrock Knowledge Base) failed. */
export class UpstreamUnavailableError extends AppError {
  override readonly name = 'UpstreamUnavailableError';
  readonly code = 'upstream_unavailable';
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
  readonly code = 'model_unavailable';
}

/**
 * A model call did not finish in time: its deadline (the caller's remaining time) or Bedrock's request timeout cut
 * it. Distinct from ModelUnavailableError (the model refused or failed): the call may have been working when cut.
 */
export class ModelTimeoutError extends ModelCallError {
  override readonly name = 'ModelTimeoutError';
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
  readonly code = 'model_not_configured';
}

/**
 * None of the models a request may go to (its template's model, fallbacks and fast model) can do what the request
 * needs, by the model catalogue: a forced tool call, streamed tool use, its output size. A 503, not a 422: the
 * caller's request is valid and nothing in it can be changed to help; it is this deployment that cannot serve it until
 * an operator names a capable model (as with model_not_configured). Nothing was counted, reserved or metered. Its
 * message, which names the models and what each lacks, goes to the logs only.
 */
export class NoCapableModelError extends ModelCallError {
  override readonly name = 'NoCapableModelError';
  readonly code = 'no_capable_model';
  override get publicMessage(): string {
    return 'No model configured for this request can serve it; the service needs a configuration change.';
  }
}

/** The model rejected the request (validation, access denied, unknown model); retrying will not help. */
export class ModelRequestError extends ModelCallError {
  override readonly name = 'ModelRequestError';
  readonly code = 'model_request_rejected';
}

/** No valid template could be loaded for a topic (index, bucket and bundled copy all failed). */
export class PromptUnavailableError extends AppError {
  override readonly name = 'PromptUnavailableError';
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
 * The model's answer to an analysis stayed invalid or inconsistent with the pre-computed facts after the repair
 * round: the problems are shown (they name fields and inconsistencies, not data), and no result is stored.
 */
export class ModelOutputInvalidError extends AppError {
  override readonly name = 'ModelOutputInvalidError';
  readonly code = 'model_output_invalid';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
  override get details(): ErrorDetails | undefined {
    return problemDetails(this.problems.map((message) => ({ field: 'result', message })));
  }
}

/**
 * A generation job could not use the model's answer (invalid after the repair round, timed out, rejected): `code`
 * says why (`model_failed` for a reason that is not a code), and becomes the job's reason; the set that is there
 * stays in place.
 */
export class GenerationFailedError extends AppError {
  override readonly name = 'GenerationFailedError';
  readonly code: ErrorCode;
  constructor(reason: string) {
    super(`The model's answer could not be used (${reason})`);
    this.code = isErrorCode(reason) ? reason : 'model_failed';
  }
}
