import type { ModelFamily } from './models';

/** A JSON Schema node, as zod's `toJSONSchema` emits it. */
type Node = Record<string, unknown>;

/** Keywords Claude rejects alongside `strict: true`. */
const CLAUDE_STRICT_REJECTS = ['maxItems', 'minItems', 'pattern', 'minLength', 'maxLength', 'format'] as const;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Resolves a local `#/$defs/<name>` (or `#/definitions/<name>`) reference against the root. */
const resolveRef = (ref: string, root: Node): Node => {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1]!] : undefined;
  const target = isNode(defs) ? defs[decodeURIComponent(match![2]!)] : undefined;
  if (!isNode(target)) throw new Error(`Unresolvable $ref in tool schema: ${ref}`);
  return target;
};

/** The literal values of a `oneOf`/`anyOf` whose branches are all `const` (or one-value `enum`) literals. */
const literalsOf = (branches: unknown[]): unknown[] | undefined => {
  const values: unknown[] = [];
  for (const branch of branches) {
    if (!isNode(branch)) return undefined;
    if ('const' in branch) values.push(branch.const);
    else if (Array.isArray(branch.enum)) values.push(...(branch.enum as unknown[]));
    else return undefined;
  }
  return values;
};

/** The JSON type of a set of literal values, when they share one. */
const typeOfLiterals = (values: unknown[]): string | undefined => {
  const types = new Set(values.map((value) => (value === null ? 'null' : typeof value)));
  return types.size === 1 ? [...types][0] : undefined;
};

/** The JSON types whose keywords overlap (`minimum` applies to both), merged as one kind. */
const kindOf = (type: string): string => (type === 'integer' ? 'number' : type);

/**
 * A union of branches of distinct JSON types as one node with a `type` list (`string | number`, a nullable field):
 * each branch's keywords apply to its own type only, so the merged node accepts exactly what the union did. Undefined
 * when two branches share a kind or a keyword (two object shapes, say).
 */
const mergedTypes = (branches: readonly Node[]): Node | undefined => {
  const kinds = new Set<string>();
  const merged: Node = {};
  const types: string[] = [];
  for (const branch of branches) {
    if (typeof branch.type !== 'string' || kinds.has(kindOf(branch.type))) return undefined;
    kinds.add(kindOf(branch.type));
    types.push(branch.type);
    for (const [key, value] of Object.entries(branch)) {
      if (key === 'type' || key === 'description') continue;
      if (key in merged) return undefined;
      merged[key] = value;
    }
  }
  return { type: types, ...merged };
};

/** The portable form of one node: references inlined, literal unions as enums, `const` as a one-value enum. */
const portable = (node: Node, root: Node, seen: ReadonlySet<string>): Node => {
  if (typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) return { type: 'object' };
    const ref = node.$ref;
    const { $ref: _ref, ...rest } = node;
    return portable({ ...resolveRef(ref, root), ...rest }, root, new Set([...seen, ref]));
  }
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$defs' || key === 'definitions' || key === '$id') continue;
    if ((key === 'oneOf' || key === 'anyOf') && Array.isArray(value)) {
      const literals = literalsOf(value);
      if (literals) {
        const type = typeOfLiterals(literals);
        Object.assign(out, type ? { type } : {}, { enum: literals });
      } else {
        // Branches of distinct types become a `type` list; any other union accepts any value here, and the service's
        // own validation of the answer (with its repair round) holds the model to it.
        const branches = (value as unknown[]).filter(isNode).map((branch) => portable(branch, root, seen));
        Object.assign(out, (branches.length === value.length && mergedTypes(branches)) || {});
      }
      continue;
    }
    if (key === 'const') {
      out.enum = [value];
      continue;
    }
    if (key === 'properties' && isNode(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, isNode(child) ? portable(child, root, seen) : child]),
      );
      continue;
    }
    if ((key === 'items' || key === 'additionalProperties') && isNode(value)) {
      out[key] = portable(value, root, seen);
      continue;
    }
    if (key === 'allOf' && Array.isArray(value)) {
      out.allOf = (value as unknown[]).map((branch: unknown) =>
        isNode(branch) ? portable(branch, root, seen) : branch,
      );
      continue;
    }
    out[key] = value;
  }
  return out;
};

/** Drops the keywords Claude rejects with `strict: true`, everywhere in the schema. */
const withoutKeywords = (node: unknown, keywords: readonly string[]): unknown => {
  if (Array.isArray(node)) return node.map((item) => withoutKeywords(item, keywords));
  if (!isNode(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !keywords.includes(key))
      .map(([key, value]) => [
        key,
        key === 'enum' || key === 'const'
          ? value
          : key === 'properties' && isNode(value)
            ? Object.fromEntries(Object.entries(value).map(([name, child]) => [name, withoutKeywords(child, keywords)]))
            : withoutKeywords(value, keywords),
      ]),
  );
};

/**
 * A tool's input schema in the form its model's family accepts. Every family: no `$schema`, a top-level
 * `type: "object"`. Non-Anthropic families (which reject `$ref`, `oneOf` and `anyOf`): `$ref`/`$defs` inlined,
 * `oneOf`/`anyOf` of literals turned into `enum`, of branches of distinct types (`string | number`, nullable) into a
 * `type` list, any other union left unconstrained (the answer is validated against the zod schema after);
 * `const` into a one-value enum. Anthropic keeps the schema as is, except that with `strict` the keywords strict mode
 * rejects (`maxItems`, `minItems`, `pattern`, lengths, `format`) are dropped (the service validates them after).
 */
export const normalizeToolSchema = (
  schema: Readonly<Record<string, unknown>>,
  family: ModelFamily,
  options: { readonly strict?: boolean } = {},
): Record<string, unknown> => {
  const root = schema as Node;
  let out: Node;
  if (family === 'anthropic') {
    const { $schema: _ignored, ...rest } = root;
    out = options.strict ? (withoutKeywords(rest, CLAUDE_STRICT_REJECTS) as Node) : rest;
  } else {
    out = portable(root, root, new Set());
  }
  return { ...out, type: 'object' };
};
