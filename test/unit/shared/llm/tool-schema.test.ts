import Ajv from 'ajv';
import * as z from '../../../../functions/shared/zod';
import { MODEL_FAMILIES } from '../../../../functions/shared/llm/models';
import { normalizeToolSchema } from '../../../../functions/shared/llm/tool-schema';
import { insightsOutputSchema } from '../../../../functions/insights/model';
import { turnOutputSchema } from '../../../../functions/conversations/model';

/** Every keyword anywhere in a schema (property names excluded). */
const keywordsOf = (node: unknown, found = new Set<string>()): Set<string> => {
  if (Array.isArray(node)) node.forEach((item) => keywordsOf(item, found));
  else if (typeof node === 'object' && node !== null)
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum') {
        found.add(key);
        continue;
      }
      found.add(key);
      if (key === 'properties') Object.values(value as object).forEach((child) => keywordsOf(child, found));
      else keywordsOf(value, found);
    }
  return found;
};

const validator = (schema: Record<string, unknown>) => {
  const { $schema: _ignored, ...rest } = schema;
  return new Ajv({ allErrors: true }).compile(rest);
};

/** A schema with what the non-Anthropic families reject: a shared definition and a union of literals. */
const withRefs = z.object({
  mood: z.union([z.literal('calm'), z.literal('tense')]),
  a: z.object({ n: z.number() }).register(z.globalRegistry, { id: 'Shared' }),
  b: z.object({ n: z.number() }).register(z.globalRegistry, { id: 'Shared2' }),
});

const cases = [
  ['insights', z.toJSONSchema(insightsOutputSchema, { io: 'input' })],
  ['conversation turn', z.toJSONSchema(turnOutputSchema, { io: 'input' })],
  ['refs and unions', z.toJSONSchema(withRefs, { io: 'input' })],
] as const;

describe('tool schema normalization', () => {
  it.each(cases)('%s: strips what non-Anthropic families reject, for every such family', (_name, schema) => {
    for (const family of MODEL_FAMILIES.filter((f) => f !== 'anthropic')) {
      const normalized = normalizeToolSchema(schema, family);
      const keywords = keywordsOf(normalized);
      for (const banned of ['$ref', '$defs', '$schema', 'oneOf', 'anyOf', 'const'])
        expect(keywords).not.toContain(banned);
      expect(normalized.type).toBe('object');
    }
  });

  it('turns a union of literals into an enum and inlines references', () => {
    const schema = z.toJSONSchema(withRefs, { io: 'input' }) as Record<string, unknown>;
    expect(JSON.stringify(schema)).toMatch(/\$ref|anyOf|oneOf/);
    const normalized = normalizeToolSchema(schema, 'meta') as { properties: Record<string, unknown> };
    expect(normalized.properties.mood).toEqual({ type: 'string', enum: ['calm', 'tense'] });
    expect(normalized.properties.a).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
  });

  it('keeps accepting and rejecting the same sample inputs', () => {
    const schema = z.toJSONSchema(withRefs, { io: 'input' }) as Record<string, unknown>;
    const samples = [
      { mood: 'calm', a: { n: 1 }, b: { n: 2 } },
      { mood: 'angry', a: { n: 1 }, b: { n: 2 } },
      { mood: 'tense', a: { n: 'x' }, b: { n: 2 } },
      { mood: 'tense', a: { n: 1 } },
    ];
    const before = validator(schema);
    for (const family of MODEL_FAMILIES) {
      const after = validator(normalizeToolSchema(schema, family));
      expect(samples.map((sample) => after(sample))).toEqual(samples.map((sample) => before(sample)));
    }
    expect(samples.map((sample) => before(sample))).toEqual([true, false, false, false]);
  });

  it('for Claude with strict, drops the keywords strict mode rejects but keeps property names', () => {
    const schema = z.toJSONSchema(
      z.object({ pattern: z.array(z.string().check(z.regex(/^a/))).check(z.maxLength(3), z.minLength(1)) }),
      { io: 'input' },
    ) as Record<string, unknown>;
    const strict = normalizeToolSchema(schema, 'anthropic', { strict: true });
    const keywords = keywordsOf(strict);
    for (const banned of ['maxItems', 'minItems', 'pattern', '$schema']) expect(keywords).not.toContain(banned);
    expect(Object.keys(strict.properties as object)).toEqual(['pattern']);
    expect(keywordsOf(normalizeToolSchema(schema, 'anthropic'))).toContain('maxItems');
  });

  it('turns a union of distinct types (and a nullable field) into a type list that accepts exactly the same', () => {
    const schema = z.toJSONSchema(
      z.object({
        value: z.union([z.string().check(z.minLength(2)), z.number().check(z.int(), z.minimum(0)), z.boolean()]),
        note: z.nullable(z.string().check(z.maxLength(3))),
      }),
      { io: 'input' },
    ) as Record<string, unknown>;
    const samples = [
      { value: 'ab', note: null },
      { value: 'a', note: null },
      { value: 3, note: 'abc' },
      { value: -1, note: 'abc' },
      { value: 1.5, note: 'abc' },
      { value: true, note: 'abcd' },
      { value: null, note: null },
    ];

    const normalized = normalizeToolSchema(schema, 'amazon') as { properties: Record<string, { type: unknown }> };

    expect(normalized.properties.value?.type).toEqual(['string', 'integer', 'boolean']);
    expect(normalized.properties.note?.type).toEqual(['string', 'null']);
    const before = validator(schema);
    const after = validator(normalized);
    expect(samples.map((sample) => after(sample))).toEqual(samples.map((sample) => before(sample)));
    expect(samples.map((sample) => before(sample))).toEqual([true, false, true, false, false, false, false]);
  });

  it('leaves a union of shapes unconstrained for non-Anthropic families, and keeps it for Claude', () => {
    const schema = z.toJSONSchema(
      z.object({
        step: z.union([z.object({ kind: z.literal('call'), who: z.string() }), z.object({ kind: z.literal('wait') })]),
      }),
      { io: 'input' },
    ) as Record<string, unknown>;

    const normalized = normalizeToolSchema(schema, 'mistral') as { properties: Record<string, unknown> };

    expect(normalized.properties.step).toEqual({});
    expect(keywordsOf(normalizeToolSchema(schema, 'anthropic'))).toContain('anyOf');
  });
});
