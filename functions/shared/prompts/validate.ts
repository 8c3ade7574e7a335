import { createHash } from 'node:crypto';
import { BRACE_PROBLEM, hasMalformedBraces, placeholdersIn } from './render';
import { promptTemplateSchema, type PromptTemplate } from './template';
import { type FieldProblem } from '../errors';
import { fieldProblems } from '../problems';
import { jsonTextTooDeep, jsonValueTooDeep, MAX_JSON_DEPTH } from '../json-depth';
import { misfitOf, modelEntryOf, type ModelCatalogue } from '../llm/models';

/** What a template is checked against besides its schema. */
export interface TemplateLimits {
  /** Model ids and inference profiles templates may name; undefined allows any. */
  readonly allowedModels?: readonly string[];
  /** Largest accepted template, in bytes of its JSON text. */
  readonly maxBytes: number;
  /**
   * The model catalogue: a template none of whose models could serve its calls by it (every call forces a tool, and
   * may write up to `max_tokens`) is refused, as the gateway would refuse each call (no_capable_model). Undefined: not
   * checked.
   */
  readonly catalogue?: ModelCatalogue;
}

/** Metadata the server fills in where a template leaves it out (a publish stamps when, and by whom). */
export type TemplateDefaults = Readonly<Partial<Pick<PromptTemplate, 'created_at' | 'created_by'>>>;

/**
 * The outcome of validating a template: the template (and which of the defaults it took), or every problem with its
 * field.
 */
export type TemplateValidation =
  | {
      readonly ok: true;
      readonly template: PromptTemplate;
      readonly checksum: string;
      readonly defaulted: readonly (keyof TemplateDefaults)[];
    }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Placeholder problems, checked on whatever prompt texts and variables the raw object has. */
const placeholderProblems = (raw: Record<string, unknown>): FieldProblem[] => {
  const system = text(raw.system_prompt);
  const user = text(raw.user_prompt_template);
  const declared = Array.isArray(raw.variables) ? raw.variables.filter((v): v is string => typeof v === 'string') : [];
  const used = new Set([...placeholdersIn(system), ...placeholdersIn(user)]);
  return [
    ...(hasMalformedBraces(system) ? [{ field: 'system_prompt', message: BRACE_PROBLEM }] : []),
    ...(hasMalformedBraces(user) ? [{ field: 'user_prompt_template', message: BRACE_PROBLEM }] : []),
    ...[...used]
      .filter((name) => !declared.includes(name))
      .map((name) => ({ field: 'variables', message: `{{${name}}} is used but not declared` })),
    ...declared
      .filter((name) => !used.has(name))
      .map((name) => ({ field: 'variables', message: `${name} is declared but used in neither prompt` })),
  ];
};

const modelProblems = (raw: Record<string, unknown>, allowed: readonly string[] | undefined): FieldProblem[] => {
  const model = raw.model as { id?: unknown; fallbacks?: unknown; fast?: unknown } | undefined;
  if (!allowed || typeof model !== 'object' || model === null) return [];
  const named: [string, unknown][] = [
    ['model.id', model.id],
    ['model.fast', model.fast],
    ...(Array.isArray(model.fallbacks) ? model.fallbacks.map((id, i): [string, unknown] => [`model.fallbacks.${i}`, id]) : []),
  ];
  return named
    .filter(([, id]) => typeof id === 'string' && !allowed.includes(id))
    .map(([field, id]) => ({ field, message: `"${String(id)}" is not an allowed model (${allowed.join(', ')})` }));
};

/**
 * A template whose named models (`model.id`, fallbacks, fast) all lack, by the catalogue, what every call of it needs:
 * a forced tool, and its `max_tokens`. A template naming no model (the default one), or a model missing from the
 * catalogue, passes, as the gateway takes such models to fit.
 */
const capabilityProblems = (template: PromptTemplate, catalogue: ModelCatalogue | undefined): FieldProblem[] => {
  const model = template.model;
  if (!catalogue || model?.id === undefined) return [];
  const needs = { tools: true, forcedToolChoice: true, maxOutputTokens: model.max_tokens };
  const named = [model.id, ...(model.fallbacks ?? []), ...(model.fast ? [model.fast] : [])];
  const lacking: string[] = [];
  for (const modelId of named) {
    const entry = modelEntryOf(modelId, catalogue);
    const lacks = entry && misfitOf(entry, needs);
    if (!lacks) return [];
    lacking.push(`${modelId} lacks ${lacks}`);
  }
  return [{ field: 'model', message: `has no model that can serve its calls (a forced tool call): ${lacking.join('; ')}` }];
};

/** A stable fingerprint of a template's content, independent of key order and whitespace. */
export const templateChecksum = (template: PromptTemplate): string => {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(template))).digest('hex');
};

/**
 * THE template validation, used by the publish API, the bucket validator, the CLI and the runtime loader:
 * well-formed JSON, nesting depth, size, required fields and their formats (safe topic and version names, temperature and max
 * tokens in range), declared variables equal to those used, balanced `{{ }}`, models in the allow-list, and (with a
 * catalogue) at least one model that can serve the template's calls.
 * Every problem is reported with its field, not just the first. Fields the template leaves out take `defaults`.
 */
export const validateTemplate = (
  input: unknown,
  limits: TemplateLimits,
  defaults: TemplateDefaults = {},
): TemplateValidation => {
  // Checked before anything below walks the template recursively (stringify, zod, the checksum).
  if (typeof input === 'string' ? jsonTextTooDeep(input) : jsonValueTooDeep(input)) {
    return { ok: false, problems: [{ field: '(template)', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }] };
  }
  const json = typeof input === 'string' ? input : JSON.stringify(input);
  const size = Buffer.byteLength(json ?? '');
  if (size > limits.maxBytes) {
    return { ok: false, problems: [{ field: '(template)', message: `is ${size} bytes; the limit is ${limits.maxBytes}` }] };
  }
  let raw: unknown;
  try {
    raw = typeof input === 'string' ? JSON.parse(input) : input;
  } catch (error) {
    return { ok: false, problems: [{ field: '(template)', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: '(template)', message: 'must be a JSON object' }] };
  }
  const defaulted = (Object.keys(defaults) as (keyof TemplateDefaults)[]).filter((field) => !(field in raw));
  const record: Record<string, unknown> = {
    ...Object.fromEntries(defaulted.map((field) => [field, defaults[field]])),
    ...(raw as Record<string, unknown>),
  };
  const parsed = promptTemplateSchema.safeParse(record);
  const problems: FieldProblem[] = [
    ...(parsed.success
      ? []
      : fieldProblems(promptTemplateSchema, parsed.error.issues, record, { root: '(template)' })),
    ...placeholderProblems(record),
    ...modelProblems(record, limits.allowedModels),
  ];
  if (parsed.success) problems.push(...capabilityProblems(parsed.data, limits.catalogue));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, template: parsed.data, checksum: templateChecksum(parsed.data), defaulted };
};
