import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ModelRequestError, ModelUnavailableError } from '../llm/port';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  MalformedBodyError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  RouteNotFoundError,
  ServiceBusyError,
  UnauthorizedError,
  UnprocessableError,
  UsageLimitExceededError,
  UpstreamUnavailableError,
  ValidationError,
} from './errors';

/** The JSON error body every non-2xx response carries. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

const STATUS_BY_ERROR: ReadonlyArray<readonly [abstract new (...args: never[]) => AppError, number]> = [
  [ValidationError, 400],
  [MalformedBodyError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [RouteNotFoundError, 404],
  [ConflictError, 409],
  [UnprocessableError, 422],
  [PayloadTooLargeError, 413],
  [RateLimitedError, 429],
  [UpstreamUnavailableError, 502],
  [ServiceBusyError, 503],
  [ModelUnavailableError, 503],
  [ModelRequestError, 502],
];

/** Maps any thrown value to an HTTP status; unknown errors are 500. The only place statuses are chosen. */
export const statusOf = (error: unknown): number => {
  if (error instanceof AppError) {
    return STATUS_BY_ERROR.find(([type]) => error instanceof type)?.[1] ?? 500;
  }
  return 500;
};

/** Builds the HTTP response for an error. Only our own errors show their message; anything else is a generic 500. */
export const errorResponse = (error: unknown, correlationId?: string): APIGatewayProxyStructuredResultV2 => {
  const statusCode = statusOf(error);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (correlationId) headers['x-correlation-id'] = correlationId;
  if (error instanceof RateLimitedError || error instanceof ServiceBusyError) {
    headers['retry-after'] = String(error.retryAfterSeconds);
  }

  const body: ErrorBody =
    error instanceof ModelUnavailableError || error instanceof ModelRequestError
      ? // The model's own message can name accounts, roles or models: it goes to the log, not to the caller.
        { error: { code: error.code, message: 'The coaching model could not answer right now; try again shortly.' } }
      : error instanceof AppError && statusCode !== 500
        ? {
            error: {
              code: error.code,
              message: error.message,
              ...((error instanceof ValidationError || error instanceof UnprocessableError) && error.problems.length > 0
                ? { details: error.problems }
                : {}),
              ...(error instanceof UsageLimitExceededError
                ? { details: { exceeded: error.exceeded, resetAt: error.resetAt.toISOString() } }
                : {}),
            },
          }
        : { error: { code: 'internal_error', message: 'Something went wrong on our side. Try again later.' } };
  return { statusCode, headers, body: JSON.stringify(body) };
};
