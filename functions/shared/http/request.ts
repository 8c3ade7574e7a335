import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from '../zod';
import { config } from '../config';
import { BodyTooDeepError, PayloadTooLargeError, ValidationError } from '../errors';
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../json-depth';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is safe to log, else the request id. */
export const correlationIdOf = (event: Event): string => {
  const fromHeader = event.headers?.['x-correlation-id'];
  if (fromHeader && SAFE_CORRELATION_ID.test(fromHeader)) return fromHeader;
  return event.requestContext?.requestId ?? crypto.randomUUID();
};

/** Validates one part of a request (query, path, body); every problem is named with its field. */
export const parsePart = <S extends z.core.$ZodType>(
  schema: S | undefined,
  value: unknown,
  part: string,
): z.output<S> => {
  if (!schema) return undefined as z.output<S>;
  const parsed = z.safeParse(schema, value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: [part, ...issue.path.map(String), key].join('.'),
          message: 'is not allowed',
        }))
      : [{ field: [part, ...issue.path.map(String)].join('.'), message: issue.message }],
  );
  throw new ValidationError(`Invalid ${part}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
};

/** Rejects a body over MAX_BODY_BYTES before it is parsed. */
export const assertBodySize = (body: string | undefined): void => {
  if (body && Buffer.byteLength(body) > config().MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is larger than ${config().MAX_BODY_BYTES} bytes`);
  }
};

/** Rejects a body that nests deeper than MAX_JSON_DEPTH before anything parses or walks it. */
export const assertBodyDepth = (event: Event): void => {
  const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString() : event.body;
  if (body && jsonTextTooDeep(body)) {
    throw new BodyTooDeepError(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
};
