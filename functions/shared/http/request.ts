import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from '../zod';
import { config } from '../config';
import { BodyTooDeepError, PayloadTooLargeError, ValidationError, type FieldProblem } from '../errors';
import { fieldProblems } from '../problems';
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../json-depth';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is safe to log, else the request id. */
export const correlationIdOf = (event: Event): string => {
  const fromHeader = event.headers?.['x-correlation-id'];
  if (fromHeader && SAFE_CORRELATION_ID.test(fromHeader)) return fromHeader;
  return event.requestContext?.requestId ?? crypto.randomUUID();
};

/** The part of a request a problem is in: its field names start with it (`query.page_size`, `body.topic`). */
export type RequestPart = 'query' | 'path' | 'body';

/**
 * Query keys every route ignores: `_`, the cache-buster HTTP clients append (`?_=1733011200000`). Any other key a
 * route does not declare is a 400 naming the keys it does.
 */
const IGNORED_QUERY_KEYS: ReadonlySet<string> = new Set(['_']);

/**
 * The numbers a body may carry: finite (JSON's `1e400` parses to Infinity) and within what DynamoDB stores (at most
 * 1e125 in magnitude, and 0 or at least 1e-130), so no number reaches a store or an arithmetic path it would fail.
 */
const storable = (value: number): boolean =>
  Number.isFinite(value) && Math.abs(value) < 1e126 && (value === 0 || Math.abs(value) >= 1e-130);

/**
 * The fields of a parsed body whose numbers are not storable, and whether each is finite (walked without recursion,
 * whatever the depth).
 */
const unstorableNumbers = (body: unknown): (FieldProblem & { readonly finite: boolean })[] => {
  const problems: (FieldProblem & { readonly finite: boolean })[] = [];
  const pending: [unknown, string][] = [[body, 'body']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, field] = next;
    if (typeof value === 'number' && !storable(value)) {
      problems.push({
        field,
        message: 'is out of range: numbers must be 0 or between 1e-130 and 1e125 in magnitude',
        finite: Number.isFinite(value),
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) pending.push([inner, `${field}.${key}`]);
    }
  }
  return problems.reverse();
};

/** No parameters at all: what a route without a query schema accepts (besides the ignored keys). */
const NO_PARAMETERS = z.strictObject({});

/**
 * Validates one part of a request (query, path, body) with its schema; every problem is named with its field. The
 * query's ignored keys (`_`) are dropped first, and a route without a query schema accepts no other key.
 */
export const parsePart = <S extends z.core.$ZodType>(
  schema: S | undefined,
  value: unknown,
  part: RequestPart,
): z.output<S> => {
  const given =
    part === 'query'
      ? Object.fromEntries(Object.entries(value ?? {}).filter(([key]) => !IGNORED_QUERY_KEYS.has(key)))
      : value;
  const checked = schema ?? (part === 'query' ? NO_PARAMETERS : undefined);
  if (!checked) return undefined as z.output<S>;
  const parsed = z.safeParse(checked, given ?? {});
  const outOfRange = part === 'body' ? unstorableNumbers(given) : [];
  const schemaProblems = parsed.success
    ? []
    : fieldProblems(checked, parsed.error.issues, given, {
        prefix: part,
        keys: part === 'query' ? 'parameters' : 'fields',
      });
  // A finite number's own schema says more ("must be at most 1,000,000") than the storage range does; an infinite
  // one (`1e400`) is out of range, whatever its schema calls it.
  const problems = [
    ...schemaProblems.filter(
      (problem) => !outOfRange.some((number) => !number.finite && number.field === problem.field),
    ),
    ...outOfRange
      .filter((number) => !number.finite || !schemaProblems.some((problem) => problem.field === number.field))
      .map(({ field, message }) => ({ field, message })),
  ];
  if (problems.length > 0) {
    throw new ValidationError(
      `Invalid ${part}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  return (schema && parsed.success ? parsed.data : undefined) as z.output<S>;
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
