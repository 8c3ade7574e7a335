import type * as z from '../zod';
import { sourceSchemas, type SourceName } from './model';

/** The parsed payload of each source. */
export type SourceValues = { [N in SourceName]: z.output<(typeof sourceSchemas)[N]> };

/**
 * A source's body after parsing: the value with every wrong-typed field or element removed and the paths of what
 * was removed (as in the original body, e.g. `goals[3].progress`), or why the body as a whole is unusable.
 */
export type ParseResult<N extends SourceName> =
  | { readonly success: true; readonly value: SourceValues[N]; readonly dropped: readonly string[] }
  | { readonly success: false; readonly error: string };

/** The source schemas, typed so that indexing by a generic source name keeps the link to its value type. */
const schemas: { readonly [N in SourceName]: z.ZodMiniType<SourceValues[N]> } = sourceSchemas;

type Path = readonly PropertyKey[];
type Container = Record<PropertyKey, unknown> | unknown[];

/** Each pass removes everything zod reported; nesting is shallow, so a handful of passes always suffices. */
const MAX_PASSES = 8;
const REMOVED = Symbol('removed');

const isRecord = (value: unknown): value is Record<PropertyKey, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isContainer = (value: unknown): value is Container => Array.isArray(value) || isRecord(value);

/** The payload of a `{ data: ... }` envelope, or the body itself. */
const unwrapEnvelope = (body: unknown): unknown => (isRecord(body) && 'data' in body ? body.data : body);

/** A deep copy without null properties: .NET writes `null` for an absent value, which is not a wrong type. */
const cloneWithoutNullProperties = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(cloneWithoutNullProperties);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, property]) => property !== null)
      .map(([key, property]) => [key, cloneWithoutNullProperties(property)]),
  );
};

const child = (node: unknown, key: PropertyKey): unknown =>
  isContainer(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined;

const valueAt = (root: unknown, path: Path): unknown => path.reduce(child, root);

const formatPath = (source: SourceName, path: Path): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), source);

const isWithin = (path: string, ancestor: string): boolean =>
  path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);

/**
 * Removes wrong-typed values from a working copy, pass by pass. Array elements are marked during a pass and
 * compacted after it, so the paths zod reported for the pass stay valid; each array remembers its elements'
 * original indexes, so dropped paths name the values as they were in the body.
 */
class Pruner {
  private droppedPaths: string[] = [];
  private readonly originalIndexes = new WeakMap<unknown[], number[]>();
  private readonly marked = new Set<unknown[]>();

  constructor(
    readonly root: unknown,
    private readonly source: SourceName,
  ) {}

  get dropped(): readonly string[] {
    return this.droppedPaths;
  }

  /** Removes the value at `path`, unless it went with an ancestor earlier in this pass. */
  remove(path: Path): void {
    const parent = valueAt(this.root, path.slice(0, -1));
    const key = path[path.length - 1];
    if (key === undefined || !isContainer(parent) || !(key in parent)) return;
    const at = this.originalPath(path);
    if (Array.isArray(parent)) {
      if (parent[key as number] === REMOVED) return;
      parent[key as number] = REMOVED;
      this.marked.add(parent);
    } else {
      delete parent[key];
    }
    this.droppedPaths = [...this.droppedPaths.filter((earlier) => !isWithin(earlier, at)), at];
  }

  /** Closes the gaps this pass left in arrays. */
  compact(): void {
    for (const array of this.marked) {
      const indexes = this.originalIndexes.get(array) ?? array.map((_, index) => index);
      const kept = indexes.filter((_, index) => array[index] !== REMOVED);
      array.splice(0, array.length, ...array.filter((element) => element !== REMOVED));
      this.originalIndexes.set(array, kept);
    }
    this.marked.clear();
  }

  private originalPath(path: Path): string {
    let node: unknown = this.root;
    const original = path.map((key) => {
      const index = Array.isArray(node) && typeof key === 'number' ? this.originalIndexes.get(node)?.[key] : key;
      node = child(node, key);
      return index ?? key;
    });
    return formatPath(this.source, original);
  }
}

/**
 * Parses one source's response body (bare or in a `{ data }` envelope) with its tolerant schema. A value of the
 * wrong type is dropped; if the value is required, the array element or object holding it is dropped instead.
 * Fails only when the payload itself is the wrong type (an HTML page, null, an object where a list is expected).
 */
export const parseSource = <N extends SourceName>(name: N, body: unknown): ParseResult<N> => {
  const schema = schemas[name];
  const pruner = new Pruner(cloneWithoutNullProperties(unwrapEnvelope(body)), name);
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const parsed = schema.safeParse(pruner.root);
    if (parsed.success) return { success: true, value: parsed.data, dropped: pruner.dropped };
    // A required value that is absent (or was removed in an earlier pass) takes its enclosing element with it.
    const removals = parsed.error.issues.map((issue) => ({
      issue,
      path: valueAt(pruner.root, issue.path) === undefined ? issue.path.slice(0, -1) : issue.path,
    }));
    const fatal = removals.find(({ path }) => path.length === 0);
    if (fatal) return { success: false, error: `${formatPath(name, fatal.issue.path)}: ${fatal.issue.message}` };
    removals.forEach(({ path }) => pruner.remove(path));
    pruner.compact();
  }
  return { success: false, error: `${name}: still invalid after ${MAX_PASSES} passes` };
};
