import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from '../zod';
import { AppError, errorDetailsSchema, GENERIC_SERVER_MESSAGE } from '../errors';

/** The JSON error body every non-2xx response carries; `details` has one shape for every code. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(errorDetailsSchema) }),
});
/** The JSON error body every non-2xx response carries. */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The HTTP status of any thrown value: an AppError's own, anything else 500. The only place statuses are read. */
export const statusOf = (error: unknown): number => (error instanceof AppError ? error.statusCode : 500);

/** The error body of any thrown value: our own errors show their public message; anything else is a generic 500. */
export const errorBodyOf = (error: unknown): ErrorBody => {
  if (!(error instanceof AppError)) return { error: { code: 'internal_error', message: GENERIC_SERVER_MESSAGE } };
  const details = error.details;
  return { error: { code: error.code, message: error.publicMessage, ...(details === undefined ? {} : { details }) } };
};

/** Builds the HTTP response for an error, with the error's own headers (e.g. Retry-After). */
export const errorResponse = (error: unknown, correlationId?: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: statusOf(error),
  headers: {
    'content-type': 'application/json',
    ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
    ...(error instanceof AppError ? error.headers : {}),
  },
  body: JSON.stringify(errorBodyOf(error)),
});
