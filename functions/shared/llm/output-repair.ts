import * as z from '../zod';

/**
 * Turns what a model returned into a validated value: takes the forced tool's input, or digs the JSON out of the
 * text (prose, code fences, truncation, trailing commas), lets the caller normalize near-misses, then validates
 * with zod. When that fails it says what is wrong in sentences the model can act on in one repair round.
 */

/** What a model returned: the forced tool's input when it called the tool, and any text it wrote. */
export interface ModelOutput {
  readonly toolInput?: unknown;
  readonly text: string;
}

/** How `parseModelOutput` may reshape the extracted value before validating it. */
export interface ParseOptions {
  /** Fixes known near-misses (case, synonyms, a bare array); must be pure. */
  readonly normalize?: (value: unknown) => unknown;
}

/** A valid value and what had to be fixed to get it, or the problems to send back to the model. */
export type ParseResult<T> =
  { ok: true; value: T; repaired: boolean; notes: string[] } | { ok: false; problems: string[] };

/** The length bounds (items or characters) a schema declares at a path, as the model sees them in the tool schema. */
export interface LengthBounds {
  readonly min?: number;
  readonly max?: number;
}

/** Most problems listed in one repair message; the rest are summarized in a count. */
const maxListedProblems = 20;

/**
 * Extracts, repairs, normalizes and validates a model's structured output. `repaired` is true when anything had
 * to be fixed (no tool call, a stringified tool input, text around the JSON, truncation, trailing commas,
 * normalization); `notes` say what.
 */
export function parseModelOutput<T>(
  schema: z.core.$ZodType<T>,
  response: ModelOutput,
  options: ParseOptions = {},
): ParseResult<T> {
  const extracted = extractValue(response);
  if (!extracted.ok) return { ok: false, problems: [extracted.problem] };
  const value = options.normalize ? options.normalize(extracted.value) : extracted.value;
  const normalized = value !== extracted.value && JSON.stringify(value) !== JSON.stringify(extracted.value);
  const notes = normalized ? [...extracted.notes, 'normalized values to the schema'] : extracted.notes;
  const result = z.safeParse(schema, value, { reportInput: true });
  if (!result.success) return { ok: false, problems: describeProblems(result.error, schema) };
  return { ok: true, value: result.data, repaired: notes.length > 0, notes };
}

/**
 * One short sentence per validation issue: the path, what is wrong, and what is allowed. Pass the schema to
 * state both length bounds ("need 5-10") rather than only the one that was broken.
 */
export function describeProblems(error: z.core.$ZodError, schema?: z.core.$ZodType): string[] {
  return error.issues.map((issue) => describeIssue(issue, schema));
}

/** The follow-up user message of the one repair round: what was wrong, and to call the tool again with JSON only. */
export function repairInstruction(problems: readonly string[]): string {
  const unlisted = problems.length - maxListedProblems;
  return [
    'Your previous answer could not be accepted:',
    ...problems.slice(0, maxListedProblems).map((problem) => `- ${problem}`),
    ...(unlisted > 0 ? [`- and ${unlisted} more problems of the same kinds`] : []),
    '',
    'Call the tool again with the complete, corrected JSON as its input. Fix these problems and keep everything ' +
      'else as it was. Answer with the tool call only: no prose, no code fences.',
  ].join('\n');
}

/** The length bounds `schema` declares at `path` (array items or string characters), read from its JSON Schema. */
export function lengthBounds(schema: z.core.$ZodType, path: readonly PropertyKey[]): LengthBounds {
  let node: SchemaNode = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  for (const key of path) {
    if (typeof node !== 'object' || Array.isArray(node)) return {};
    node = typeof key === 'number' ? node.items : node.properties?.[String(key)];
  }
  if (typeof node !== 'object' || Array.isArray(node)) return {};
  return { min: node.minItems ?? node.minLength, max: node.maxItems ?? node.maxLength };
}

type SchemaNode = z.core.JSONSchema._JSONSchema | z.core.JSONSchema._JSONSchema[] | undefined;

type Extraction = { ok: true; value: unknown; notes: string[] } | { ok: false; problem: string };

function extractValue({ toolInput, text }: ModelOutput): Extraction {
  if (typeof toolInput === 'string') return extractJson(toolInput, ['the tool input was a JSON string']);
  if (toolInput !== undefined && toolInput !== null) return { ok: true, value: toolInput, notes: [] };
  if (text.trim() === '') return { ok: false, problem: 'response: empty; there was no tool call and no text' };
  return extractJson(text, ['the tool was not called; the JSON was read from the text']);
}

/** A JSON value found in text, or why the JSON-looking span there could not be read. */
type Candidate =
  | { ok: true; start: number; end: number; value: unknown; notes: string[] }
  | { ok: false; start: number; end: number; problem: string };

/**
 * Finds the outermost JSON object or array in free text: the longest span that parses (after closing truncation
 * and dropping trailing commas). Brackets in prose ("[see below]") are skipped; a span that looks like JSON but is
 * malformed is reported rather than searched for smaller pieces.
 */
function extractJson(text: string, notes: readonly string[]): Extraction {
  let best: Candidate | undefined;
  for (let start = nextOpening(text, 0); start >= 0;) {
    const candidate = readCandidate(text, start);
    const jsonLike = candidate.ok || looksLikeJson(text, start);
    if (jsonLike && (best === undefined || candidate.end - candidate.start > best.end - best.start)) best = candidate;
    start = nextOpening(text, jsonLike ? candidate.end : start + 1);
  }
  if (best === undefined) return { ok: false, problem: `response: no JSON found; the reply was: ${excerpt(text)}` };
  if (!best.ok) return { ok: false, problem: best.problem };
  const surrounded = text.slice(0, best.start).trim() !== '' || text.slice(best.end).trim() !== '';
  return {
    ok: true,
    value: best.value,
    notes: [...notes, ...(surrounded ? ['ignored text around the JSON'] : []), ...best.notes],
  };
}

function nextOpening(text: string, from: number): number {
  const opening = /[[{]/g;
  opening.lastIndex = from;
  return opening.exec(text)?.index ?? -1;
}

/** `{"` or `[{`, `[[`, `["`, `[1`: JSON rather than a bracket in prose. */
function looksLikeJson(text: string, start: number): boolean {
  const following = /\s*(\S)/y;
  following.lastIndex = start + 1;
  const next = following.exec(text)?.[1] ?? '';
  return text[start] === '{' ? next === '"' || next === '}' : /^[[{"\]\d-]$/.test(next);
}

function readCandidate(text: string, start: number): Candidate {
  const scan = scanJson(text, start);
  if (scan.kind === 'mismatched') {
    return { ok: false, start, end: scan.at + 1, problem: malformed(text.slice(start), scan.at - start) };
  }
  const complete = scan.kind === 'complete';
  const end = complete ? scan.end : text.length;
  const parsed = parseLenient(complete ? text.slice(start, end) : scan.json);
  if (!parsed.ok) return { ok: false, start, end, problem: parsed.problem };
  const closed = complete
    ? []
    : [scan.droppedTail ? 'closed truncated JSON, dropping its incomplete last element' : 'closed truncated JSON'];
  return { ok: true, start, end, value: parsed.value, notes: [...closed, ...parsed.notes] };
}

/** An open object or array while scanning: its closer, and where it could be cut to hold only complete members. */
interface Frame {
  readonly close: '}' | ']';
  boundary: number;
  expectsKey: boolean;
}

type Scan =
  | { kind: 'complete'; end: number }
  | { kind: 'truncated'; json: string; droppedTail: boolean }
  | { kind: 'mismatched'; at: number };

/**
 * Scans from an opening bracket to its balanced closer, minding strings. If the text ends first, the JSON was
 * truncated: it is cut after the last complete element of the outermost open array (or, with no array open, of
 * the innermost object), and the brackets still open there are closed.
 */
function scanJson(text: string, start: number): Scan {
  const stack: Frame[] = [];
  let inString = false;
  let escaped = false;
  let stringIsKey = false;
  for (let at = start; at < text.length; at += 1) {
    const char = text[at];
    const top = stack[stack.length - 1];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') {
        inString = false;
        if (top && !stringIsKey) top.boundary = at + 1;
      }
    } else if (char === '"') {
      inString = true;
      stringIsKey = top?.close === '}' && top.expectsKey;
    } else if (char === '{' || char === '[') {
      stack.push({ close: char === '{' ? '}' : ']', boundary: at + 1, expectsKey: char === '{' });
    } else if (char === '}' || char === ']') {
      if (stack.pop()?.close !== char) return { kind: 'mismatched', at };
      const parent = stack[stack.length - 1];
      if (parent === undefined) return { kind: 'complete', end: at + 1 };
      parent.boundary = at + 1;
    } else if (top && char === ',') {
      top.boundary = at;
      top.expectsKey = top.close === '}';
    } else if (top && char === ':') {
      top.expectsKey = false;
    }
  }
  const arrayDepth = stack.findIndex((frame) => frame.close === ']');
  const depth = arrayDepth >= 0 ? arrayDepth : stack.length - 1;
  const cut = stack[depth]?.boundary ?? text.length;
  const closers = stack
    .slice(0, depth + 1)
    .map((frame) => frame.close)
    .reverse()
    .join('');
  return { kind: 'truncated', json: text.slice(start, cut) + closers, droppedTail: text.slice(cut).trim() !== '' };
}

type Parsed = { ok: true; value: unknown; notes: string[] } | { ok: false; problem: string };

function parseLenient(json: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(json), notes: [] };
  } catch (error) {
    const withoutCommas = removeTrailingCommas(json);
    if (withoutCommas === json) return { ok: false, problem: malformedAt(json, error) };
    try {
      return { ok: true, value: JSON.parse(withoutCommas), notes: ['removed trailing commas'] };
    } catch (retryError) {
      return { ok: false, problem: malformedAt(withoutCommas, retryError) };
    }
  }
}

/** Drops every comma (outside strings) that is followed only by whitespace and a closing bracket. */
function removeTrailingCommas(json: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (let at = 0; at < json.length; at += 1) {
    const char = json.charAt(at);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === ',' && closesNext(json, at + 1)) {
      continue;
    }
    out += char;
  }
  return out;
}

function closesNext(json: string, from: number): boolean {
  const closing = /\s*[}\]]/y;
  closing.lastIndex = from;
  return closing.test(json);
}

function malformedAt(json: string, error: unknown): string {
  const position = /position (\d+)/.exec(String(error))?.[1];
  return position === undefined ? 'response: the JSON is malformed' : malformed(json, Number(position));
}

function malformed(json: string, at: number): string {
  return `response: the JSON is malformed near \`${json.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ')}\``;
}

function excerpt(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 80)}…` : flat);
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.core.$ZodType | undefined): string {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `${at}: missing; expected ${issue.expected}`
        : `${at}: expected ${issue.expected}, got ${show(issue.input)}`;
    case 'invalid_value': {
      const allowed = issue.values.map(String).join(', ');
      return issue.input === undefined
        ? `${at}: missing; must be one of ${allowed}`
        : `${at}: ${show(issue.input)} is not one of ${allowed}`;
    }
    case 'too_small':
    case 'too_big':
      return describeSize(issue, at, schema);
    case 'invalid_union': {
      const expected = issue.errors.map(([first, ...rest]) =>
        first?.code === 'invalid_type' && first.path.length === 0 && rest.length === 0 ? first.expected : undefined,
      );
      return expected.every((type): type is string => type !== undefined)
        ? `${at}: expected ${listOr(expected)}, got ${show(issue.input)}`
        : `${at}: ${issue.message}`;
    }
    default:
      return `${at}: ${issue.message}`;
  }
}

function describeSize(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  at: string,
  schema: z.core.$ZodType | undefined,
): string {
  const unit = issue.origin === 'string' ? 'character' : issue.origin === 'array' ? 'item' : undefined;
  if (unit === undefined) {
    const limit =
      issue.code === 'too_small'
        ? `${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}`
        : `${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
    return `${at}: got ${show(issue.input)}, need ${limit}`;
  }
  const declared = schema === undefined ? {} : lengthBounds(schema, issue.path);
  const min = declared.min ?? (issue.code === 'too_small' ? Number(issue.minimum) : undefined);
  const max = declared.max ?? (issue.code === 'too_big' ? Number(issue.maximum) : undefined);
  const range =
    min !== undefined && max !== undefined
      ? `${min}-${max}`
      : min !== undefined
        ? `at least ${min}`
        : `at most ${String(max)}`;
  const length = lengthOf(issue.input);
  const counted = length === undefined ? '' : `${length} ${unit}${length === 1 ? '' : 's'}, `;
  return `${at}: ${counted}need ${range}`;
}

function lengthOf(value: unknown): number | undefined {
  return typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'top level';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  // What is left of parsed JSON: numbers and booleans (undefined where a field is missing).
  return JSON.stringify(value) ?? 'undefined';
}

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
