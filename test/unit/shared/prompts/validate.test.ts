import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_CATALOGUE } from '../../../../functions/shared/llm/models';
import type { PromptTemplate } from '../../../../functions/shared/prompts/template';
import { templateChecksum, validateTemplate, type TemplateLimits } from '../../../../functions/shared/prompts/validate';

const seedText = readFileSync(join(__dirname, '../../../../prompts/insights_generation/v1.0.json'), 'utf8');
const seed = JSON.parse(seedText);
const limits = { maxBytes: 100_000, allowedModels: ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'] };

const problemsOf = (input: unknown, custom: TemplateLimits = limits) => {
  const result = validateTemplate(input, custom);
  return result.ok ? [] : result.problems;
};

describe('validateTemplate', () => {
  it('accepts the seed template as it is, from text or from an object, with one checksum', () => {
    const fromText = validateTemplate(seedText, limits);
    const fromObject = validateTemplate(seed, limits);

    expect(fromText.ok && fromObject.ok && fromText.checksum === fromObject.checksum).toBe(true);
  });

  it('gives the same checksum whatever the key order and whitespace', () => {
    const reordered = Object.fromEntries(Object.entries(seed).reverse()) as PromptTemplate;

    expect(templateChecksum(reordered)).toBe(templateChecksum(seed));
    expect(templateChecksum({ ...seed, system_prompt: `${seed.system_prompt} ` })).not.toBe(templateChecksum(seed));
  });

  it('says what a field must be, once, as the API does (the tightest bound, is required)', () => {
    const problems = problemsOf({ ...seed, topic: undefined, model: { ...seed.model, max_tokens: 1e200 } });

    expect(problems).toEqual([
      { field: 'topic', message: 'is required' },
      { field: 'model.max_tokens', message: 'must be at most 64,000' },
    ]);
  });

  it('reports every problem with its field, not just the first', () => {
    const broken = {
      ...seed,
      topic: 'Insights Generation',
      version: '1.1',
      variables: [...seed.variables.filter((name: string) => name !== 'goals'), 'unused_one'],
      user_prompt_template: `${seed.user_prompt_template} {{ broken`,
      model: { id: 'openai.gpt-x', temperature: 1.7, max_tokens: 10 },
      created_by: undefined,
    };

    const fields = problemsOf(broken).map((problem) => problem.field);

    expect(fields).toEqual(
      expect.arrayContaining([
        'topic',
        'version',
        'model.temperature',
        'model.max_tokens',
        'created_by',
        'user_prompt_template',
        'variables',
        'model.id',
      ]),
    );
    expect(problemsOf(broken).filter((problem) => problem.field === 'variables').map((p) => p.message)).toEqual([
      '{{goals}} is used but not declared',
      'unused_one is declared but used in neither prompt',
    ]);
  });

  it('rejects text that is not JSON, a JSON array, and a template over the size limit', () => {
    expect(problemsOf('{"topic": ')[0]?.message).toMatch(/^is not valid JSON/);
    expect(problemsOf('[]')[0]?.message).toBe('must be a JSON object');
    expect(problemsOf(seedText, { maxBytes: 1024, allowedModels: limits.allowedModels })[0]?.message).toMatch(/the limit is 1024/);
  });

  it('reports a template nested 10,000 levels deep, from text or from an object, without overflowing the stack', () => {
    const text = `{"topic":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const tooDeep = [{ field: '(template)', message: 'nests deeper than 64 levels' }];

    expect(problemsOf(text)).toEqual(tooDeep);
    expect(problemsOf(JSON.parse(text))).toEqual(tooDeep);
  });

  it('checks fallback models against the allow-list, and allows any model without one', () => {
    const withFallback = { ...seed, model: { ...seed.model, fallbacks: ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'mystery-model'] } };

    expect(problemsOf(withFallback).map((problem) => problem.field)).toEqual(['model.fallbacks.1']);
    expect(validateTemplate(withFallback, { maxBytes: 100_000 }).ok).toBe(true);
  });

  it('refuses, with a catalogue, a template none of whose models can force its tool or write its max tokens', () => {
    const withCatalogue = { maxBytes: 100_000, catalogue: DEFAULT_MODEL_CATALOGUE };
    const llamaMistral = { ...seed, model: { id: 'us.meta.llama3-3-70b-instruct-v1:0', fallbacks: ['mistral.mistral-large-2407-v1:0'] } };
    const withNova = { ...llamaMistral, model: { ...llamaMistral.model, fast: 'us.amazon.nova-lite-v1:0' } };
    const tooLong = { ...seed, model: { id: 'us.amazon.nova-lite-v1:0', max_tokens: 16_000 } };

    expect(problemsOf(llamaMistral, withCatalogue)).toEqual([
      {
        field: 'model',
        message:
          'has no model that can serve its calls (a forced tool call): us.meta.llama3-3-70b-instruct-v1:0 lacks ' +
          'forcedToolChoice; mistral.mistral-large-2407-v1:0 lacks forcedToolChoice',
      },
    ]);
    expect(problemsOf(tooLong, withCatalogue)[0]?.message).toMatch(/us\.amazon\.nova-lite-v1:0 lacks maxOutputTokens$/);
    expect(validateTemplate(withNova, withCatalogue).ok).toBe(true);
    expect(validateTemplate({ ...seed, model: { id: 'acme.private-v1:0' } }, withCatalogue).ok).toBe(true);
    expect(validateTemplate(llamaMistral, { maxBytes: 100_000 }).ok).toBe(true);
  });

  it('reports prompts that are not text and variables that are not a list without failing on them', () => {
    const broken = { ...seed, system_prompt: 42, user_prompt_template: ['{{goals}}'], variables: 'goals' };

    const fields = problemsOf(broken).map((problem) => problem.field);

    expect(fields).toEqual(expect.arrayContaining(['system_prompt', 'user_prompt_template', 'variables']));
  });

  it('reports a malformed placeholder in the system prompt', () => {
    const broken = { ...seed, system_prompt: `${seed.system_prompt} {{ business_name }` };

    const problems = problemsOf(broken);

    expect(problems).toEqual([{ field: 'system_prompt', message: 'unbalanced or malformed {{ }} placeholder' }]);
  });

  it('rejects a missing template as not an object', () => {
    expect(problemsOf(undefined)).toEqual([{ field: '(template)', message: 'must be a JSON object' }]);
  });

  it('rejects names that are unsafe as S3 keys', () => {
    expect(problemsOf({ ...seed, topic: '../etc' }).map((problem) => problem.field)).toContain('topic');
    expect(problemsOf({ ...seed, version: 'v1.0/../x' }).map((problem) => problem.field)).toContain('version');
  });
});
