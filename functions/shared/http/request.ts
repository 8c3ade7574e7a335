import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from '../zod';
import { config } from '../config';
import { PayloadTooLargeError, ValidationError, type FieldProblem } from '../errors';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is safe to log, else the request id. */
export const correlationIdOf = (event: Event): string => {
  const fromHeader = event.headers?.['x-correlation-id'];
  if (fromHeader && SAFE_CORRELATION_ID.test(fromHeader)) return fromHeader;
  return event.requestContext?.requestId ?? crypto.randomUUID();
};

type Issue = z.core.$ZodIssue;
type Shape = Readonly<Record<string, z.core.$ZodType>>;

/** The part of a request a problem is in: its field names start with it (`query.page_size`, `body.topic`). */
export type RequestPart = 'query' | 'path' | 'body';

/**
 * Query keys every route ignores: `_`, the cache-buster HTTP clients append (`?_=1733011200000`). Any other key a
 * route does not declare is a 400 naming the keys it does.
 */
const IGNORED_QUERY_KEYS: ReadonlySet<string> = new Set(['_']);

/** The object schema inside wrappers (optional, default, pipe's input), or undefined when there is none. */
const shapeOf = (schema: z.core.$ZodType | undefined): Shape | undefined => {
  const def = schema?._zod.def as
    | { type: string; shape?: Shape; in?: z.core.$ZodType; innerType?: z.core.$ZodType; element?: z.core.$ZodType }
    | undefined;
  if (!def) return undefined;
  if (def.type === 'object') return def.shape;
  return shapeOf(def.type === 'pipe' ? def.in : def.innerType);
};

/** The schema of the field at `path` inside an object schema, as far as the object shapes lead. */
const schemaAt = (schema: z.core.$ZodType | undefined, path: readonly PropertyKey[]): z.core.$ZodType | undefined =>
  path.reduce<z.core.$ZodType | undefined>((current, key) => shapeOf(current)?.[String(key)], schema);

/** The value at `path` of a request part, to tell a missing field from a wrong one. */
const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[key] : undefined,
    value,
  );

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/** Values a failed union would have accepted, when each of its branches is a set of values (enums, literals). */
const unionValues = (issue: Issue): readonly unknown[] | undefined => {
  if (issue.code !== 'invalid_union') return undefined;
  const branches = issue.errors.map((branch) =>
    branch.length === 1 && branch[0]?.code === 'invalid_value' ? branch[0].values : undefined,
  );
  return branches.every((values) => values !== undefined) ? branches.flat() : undefined;
};

/** What a bounded value must be: numbers by value, strings by length, arrays and sets by size. */
const boundMessage = (issue: Issue & { code: 'too_big' | 'too_small' }): string => {
  const big = issue.code === 'too_big';
  const bound = big ? issue.maximum : issue.minimum;
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'greater than'} ${bound}`;
    case 'string':
      return !big && bound === 1
        ? 'must not be empty'
        : `must be ${big ? 'at most' : 'at least'} ${bound} characters long`;
    case 'array':
    case 'set':
      return `must have ${big ? 'at most' : 'at least'} ${bound} items`;
    default:
      return issue.message;
  }
};

/**
 * What a field must be, phrased the same on every route: the allowed values of an enum, the bound a value broke,
 * the type expected, or `is required`. Formats and refinements keep their schema's own message.
 */
const messageOf = (issue: Issue, value: unknown): string => {
  const missing = valueAt(value, issue.path) === undefined;
  if (missing && ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code)) return 'is required';
  const values = issue.code === 'invalid_value' ? issue.values : unionValues(issue);
  if (values) return `must be one of: ${values.map(String).join(', ')}`;
  if (issue.code === 'too_big' || issue.code === 'too_small') return boundMessage(issue);
  if (issue.code === 'invalid_type') return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  return issue.message;
};

/** Drops a bound another issue of the same field tightens (`int`'s safe range next to the schema's own maximum). */
const tightest = (issues: readonly Issue[]): Issue[] => {
  const looser = (issue: Issue, other: Issue): boolean => {
    if (other === issue || other.code !== issue.code || other.path.join('.') !== issue.path.join('.')) return false;
    if (issue.code === 'too_big' && other.code === 'too_big') return Number(other.maximum) < Number(issue.maximum);
    if (issue.code === 'too_small' && other.code === 'too_small') return Number(other.minimum) > Number(issue.minimum);
    return false;
  };
  return issues.filter((issue) => !issues.some((other) => looser(issue, other)));
};

/** The problems of a failed parse, one per field and issue, with the allowed keys where a key is not allowed. */
const problemsOf = (
  schema: z.core.$ZodType,
  issues: readonly Issue[],
  value: unknown,
  part: RequestPart,
): FieldProblem[] =>
  tightest(issues).flatMap((issue) => {
    const field = [part, ...issue.path.map(String)].join('.');
    if (issue.code !== 'unrecognized_keys') return [{ field, message: messageOf(issue, value) }];
    const allowed = Object.keys(shapeOf(schemaAt(schema, issue.path)) ?? {});
    const message =
      allowed.length > 0
        ? `is not allowed; the allowed ${part === 'query' ? 'parameters' : 'fields'} are ${allowed.join(', ')}`
        : `is not allowed; this route takes no ${part === 'query' ? 'query parameters' : 'fields here'}`;
    return issue.keys.map((key) => ({ field: `${field}.${key}`, message }));
  });

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
  if (!parsed.success) {
    const problems = problemsOf(checked, parsed.error.issues, given, part);
    throw new ValidationError(
      `Invalid ${part}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  return (schema ? parsed.data : undefined) as z.output<S>;
};

/** Rejects a body over MAX_BODY_BYTES before it is parsed. */
export const assertBodySize = (body: string | undefined): void => {
  if (body && Buffer.byteLength(body) > config().MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is larger than ${config().MAX_BODY_BYTES} bytes`);
  }
};
