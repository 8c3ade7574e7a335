import type { FieldProblem } from './errors';
import type * as z from './zod';

type Issue = z.core.$ZodIssue;
type Shape = Readonly<Record<string, z.core.$ZodType>>;

/** The object schema inside wrappers (optional, default, pipe's input), or undefined when there is none. */
export const shapeOf = (schema: z.core.$ZodType | undefined): Shape | undefined => {
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
      return `must be ${big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'greater than'} ${Number(bound).toLocaleString('en-US')}`;
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

/** How problems name their fields: under a prefix (`query`, `outcome`), and what the keys of the value are called. */
export interface ProblemNaming {
  readonly prefix?: string;
  /** The field of a problem of the whole value (no path, no prefix). */
  readonly root?: string;
  readonly keys?: 'parameters' | 'fields';
}

/**
 * The problems of a failed parse for the caller: one per field and issue, each saying what the field must be, with
 * the allowed keys where a key is not allowed. Request parts, templates and outcomes are all reported this way.
 */
export const fieldProblems = (
  schema: z.core.$ZodType,
  issues: readonly Issue[],
  value: unknown,
  naming: ProblemNaming = {},
): FieldProblem[] =>
  tightest(issues).flatMap((issue) => {
    const path = [...(naming.prefix ? [naming.prefix] : []), ...issue.path.map(String)];
    const field = path.join('.') || (naming.root ?? '');
    if (issue.code !== 'unrecognized_keys') return [{ field, message: messageOf(issue, value) }];
    const allowed = Object.keys(shapeOf(schemaAt(schema, issue.path)) ?? {});
    const keys = naming.keys ?? 'fields';
    const message =
      allowed.length > 0
        ? `is not allowed; the allowed ${keys} are ${allowed.join(', ')}`
        : `is not allowed; this takes no ${keys}`;
    return issue.keys.map((key) => ({ field: [...path, key].join('.'), message }));
  });
