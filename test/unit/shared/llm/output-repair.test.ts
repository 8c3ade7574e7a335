import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { normalizeInsightsOutput } from '../../../../functions/insights/grounding';
import { insightsOutputSchema } from '../../../../functions/insights/model';
import type { InsightsOutput } from '../../../../functions/insights/model';
import type { ModelOutput, ParseResult } from '../../../../functions/shared/llm/output-repair';
import {
  describeProblems,
  lengthBounds,
  parseModelOutput,
  repairInstruction,
} from '../../../../functions/shared/llm/output-repair';

const corpus = (name: string): string => readFileSync(join(__dirname, 'corpus', name), 'utf8');
const asText = (name: string): ModelOutput => ({ text: corpus(name) });
const asToolInput = (name: string): ModelOutput => ({ toolInput: JSON.parse(corpus(name)) as unknown, text: '' });
const parseInsights = (response: ModelOutput): ParseResult<InsightsOutput> =>
  parseModelOutput(insightsOutputSchema, response, { normalize: normalizeInsightsOutput });

const valid = JSON.parse(corpus('valid.json')) as InsightsOutput;
const fromText = 'the tool was not called; the JSON was read from the text';
const aroundJson = 'ignored text around the JSON';
const allowedCategories = 'strategy, operations, finance, marketing, leadership';

describe('parseModelOutput on the insights corpus', () => {
  it('accepts a valid tool input as it is', () => {
    const result = parseInsights(asToolInput('valid.json'));

    expect(result).toEqual({ ok: true, value: valid, repaired: false, notes: [] });
  });

  it('reads the JSON out of prose before and after it', () => {
    const result = parseInsights(asText('prose-around-json.txt'));

    expect(result).toEqual({ ok: true, value: valid, repaired: true, notes: [fromText, aroundJson] });
  });

  it('reads the JSON out of a ```json code fence', () => {
    const result = parseInsights(asText('json-fence.txt'));

    expect(result).toEqual({ ok: true, value: valid, repaired: true, notes: [fromText, aroundJson] });
  });

  it('drops the insight cut off mid-string and keeps the five complete ones', () => {
    const result = parseInsights(asText('truncated-mid-string.txt'));

    expect(result).toEqual({
      ok: true,
      value: valid,
      repaired: true,
      notes: [fromText, aroundJson, 'closed truncated JSON, dropping its incomplete last element'],
    });
  });

  it('drops the insight cut off inside its suggestedActions array', () => {
    const result = parseInsights(asText('truncated-mid-array.txt'));

    expect(result).toEqual({
      ok: true,
      value: valid,
      repaired: true,
      notes: [fromText, 'closed truncated JSON, dropping its incomplete last element'],
    });
  });

  it('tolerates trailing commas', () => {
    const result = parseInsights(asText('trailing-commas.txt'));

    expect(result).toEqual({ ok: true, value: valid, repaired: true, notes: [fromText, 'removed trailing commas'] });
  });

  it('parses a tool input that is a JSON string instead of an object', () => {
    const result = parseInsights({ toolInput: corpus('tool-input-string.txt'), text: '' });

    expect(result).toEqual({ ok: true, value: valid, repaired: true, notes: ['the tool input was a JSON string'] });
  });

  it('lower-cases enum values written as "High", "Finance" and " Marketing "', () => {
    const result = parseInsights(asToolInput('wrong-enum-case.json'));

    expect(result).toEqual({ ok: true, value: valid, repaired: true, notes: ['normalized values to the schema'] });
  });

  it('maps close synonyms such as "urgent", "ops" and "financial" to the allowed values', () => {
    const result = parseInsights(asToolInput('synonyms.json'));

    expect(result).toEqual({ ok: true, value: valid, repaired: true, notes: ['normalized values to the schema'] });
  });

  it('wraps a bare array of insights into { insights }', () => {
    const result = parseInsights(asText('bare-array.txt'));

    expect(result).toEqual({
      ok: true,
      value: valid,
      repaired: true,
      notes: [fromText, aroundJson, 'normalized values to the schema'],
    });
  });

  it('shortens an 80-character title to whole words, without an ellipsis', () => {
    const result = parseInsights(asToolInput('long-title.json'));

    expect(result.ok && result.value.insights.map((insight) => insight.title)).toEqual([
      'Revenue goal is at risk at 35% progress',
      'Customer retention trails its target',
      'Four actions are overdue',
      'Cash flow forecast is still missing while monthly burn runs',
      'Wholesale program is on track',
    ]);
  });

  it('keeps the first five of seven suggested actions', () => {
    const result = parseInsights(asToolInput('too-many-actions.json'));

    expect(result.ok && result.value.insights[0]?.suggestedActions).toEqual([
      'Review pricing on the three best-selling blends this week',
      'Set a weekly revenue check-in with the sales lead',
      'Launch a holiday gift box',
      'Pitch two new office coffee contracts',
      'Raise the subscription price for new sign-ups',
    ]);
  });

  it('reports too few insights with the count and the allowed range', () => {
    const result = parseInsights(asToolInput('too-few-items.json'));

    expect(result).toEqual({ ok: false, problems: ['insights: 3 items, need 5-10'] });
  });

  it('reads "true" as a boolean but reports "actionable": "yes"', () => {
    const result = parseInsights(asToolInput('actionable-yes.json'));

    expect(result).toEqual({ ok: false, problems: ['insights[1].actionable: expected boolean, got "yes"'] });
  });

  it('reports a category that is no synonym with the allowed values', () => {
    const result = parseInsights(asToolInput('unknown-category.json'));

    expect(result).toEqual({
      ok: false,
      problems: [`insights[4].category: "sales" is not one of ${allowedCategories}`],
    });
  });

  it('reports malformed JSON with the text around the fault', () => {
    const result = parseInsights(asText('missing-comma.txt'));

    expect(result).toEqual({
      ok: false,
      problems: ['response: the JSON is malformed near `": "critical" "actionable": true, `'],
    });
  });

  it('reports a refusal as text without JSON, quoting its start', () => {
    const result = parseInsights(asText('refusal.txt'));

    expect(result).toEqual({
      ok: false,
      problems: [
        'response: no JSON found; the reply was: ' +
          '"I\'m sorry, but I can\'t provide coaching insights from this data. The business in…"',
      ],
    });
  });

  it('reports an empty response', () => {
    const result = parseInsights({ text: '' });

    expect(result).toEqual({ ok: false, problems: ['response: empty; there was no tool call and no text'] });
  });
});

describe('parseModelOutput with any schema', () => {
  const schema = z.object({ items: z.array(z.object({ name: z.string(), score: z.number() })).min(1) });

  it('prefers the tool input to JSON in the text', () => {
    const response = {
      toolInput: { items: [{ name: 'tool', score: 2 }] },
      text: '{"items": [{"name": "text", "score": 3}]}',
    };

    const result = parseModelOutput(schema, response);

    expect(result).toEqual({ ok: true, value: { items: [{ name: 'tool', score: 2 }] }, repaired: false, notes: [] });
  });

  it('looks inside brackets of prose for the JSON', () => {
    const result = parseModelOutput(schema, { text: 'Scores [as requested: {"items": [{"name": "a", "score": 2}]}]' });

    expect(result.ok && result.value).toEqual({ items: [{ name: 'a', score: 2 }] });
  });

  it('reads escaped quotes as part of a string', () => {
    const result = parseModelOutput(schema, { text: 'Here: {"items": [{"name": "12\\" tamper", "score": 2}]}' });

    expect(result.ok && result.value).toEqual({ items: [{ name: '12" tamper', score: 2 }] });
  });

  it('takes the longest JSON when the prose holds a smaller one too', () => {
    const result = parseModelOutput(schema, { text: 'See note [1]: {"items": [{"name": "a", "score": 2}]}' });

    expect(result.ok && result.value).toEqual({ items: [{ name: 'a', score: 2 }] });
  });

  it.each([
    ['after a complete string', '{"names": ["a", "b"', { names: ['a', 'b'] }],
    ['mid-number, dropping the number', '{"names": ["a"], "scores": [70, 72, 7', { names: ['a'], scores: [70, 72] }],
  ])('closes an array cut off %s', (_where, text, expected) => {
    const lists = z.object({ names: z.array(z.string()), scores: z.array(z.number()).optional() });

    const result = parseModelOutput(lists, { text });

    expect(result.ok && result.value).toEqual(expected);
  });

  it('drops an object member cut off after its key', () => {
    const tagged = z.object({ name: z.string(), tag: z.string().optional() });

    const result = parseModelOutput(tagged, { text: '{"name": "a", "tag"' });

    expect(result.ok && result.value).toEqual({ name: 'a' });
  });

  it('closes JSON cut off after a complete element without dropping it', () => {
    const result = parseModelOutput(schema, { text: '{"items": [{"name": "a", "score": 2}' });

    expect(result).toEqual({
      ok: true,
      value: { items: [{ name: 'a', score: 2 }] },
      repaired: true,
      notes: ['the tool was not called; the JSON was read from the text', 'closed truncated JSON'],
    });
  });

  it('drops a number cut off at the end of the text, since its digits may be incomplete', () => {
    const result = parseModelOutput(schema, { text: '{"items": [{"name": "a", "score": 2}, {"name": "b", "score": 4' });

    expect(result.ok && result.value).toEqual({ items: [{ name: 'a', score: 2 }] });
  });

  it('skips a longer span of braces in prose that is not JSON', () => {
    const text =
      'Scores: {"items": [{"name": "a", "score": 2}]} {note: the names above are as written in the request, unchanged}';

    const result = parseModelOutput(schema, { text });

    expect(result.ok && result.value).toEqual({ items: [{ name: 'a', score: 2 }] });
  });

  it('reports mismatched brackets as malformed JSON with the text around the fault', () => {
    const result = parseModelOutput(schema, { text: '{"items": [{"name": "a", "score": 2}}' });

    expect(result).toEqual({ ok: false, problems: ['response: the JSON is malformed near `e": "a", "score": 2}}`'] });
  });

  it('reports JSON that is still malformed once its trailing commas are dropped', () => {
    const result = parseModelOutput(schema, { text: '{"items": [{"name": "a" "score": 2},]}' });

    expect(result).toEqual({
      ok: false,
      problems: ['response: the JSON is malformed near `ems": [{"name": "a" "score": 2}]}`'],
    });
  });

  it('leaves a bare array for validation to report when there is no normalize hook', () => {
    const result = parseModelOutput(schema, { text: '[{"name": "a", "score": 2}]' });

    expect(result).toEqual({ ok: false, problems: ['top level: expected object, got an array'] });
  });

  it('reports every issue with its path', () => {
    const toolInput = { items: [{ name: 5 }, { name: 'b', score: 'high' }] };

    const result = parseModelOutput(schema, { toolInput, text: '' });

    expect(result).toEqual({
      ok: false,
      problems: [
        'items[0].name: expected string, got 5',
        'items[0].score: missing; expected number',
        'items[1].score: expected number, got "high"',
      ],
    });
  });
  it('says null rather than missing when the model wrote null', () => {
    const result = parseModelOutput(schema, { toolInput: { items: [{ name: null, score: 1 }] }, text: '' });

    expect(result).toEqual({ ok: false, problems: ['items[0].name: expected string, got null'] });
  });

  it("passes on the validator's message for issues it has no sentence of its own for", () => {
    const strict = z.strictObject({ name: z.string() });

    const result = parseModelOutput(strict, { toolInput: { name: 'a', extra: 1 }, text: '' });

    expect(result).toEqual({ ok: false, problems: ['top level: Unrecognized key: "extra"'] });
  });
});

describe('describeProblems', () => {
  it('names the received enum value and the allowed ones', () => {
    const insights = valid.insights.map((insight, index) =>
      index === 2 ? { ...insight, category: 'Finance' } : insight,
    );
    const error = insightsOutputSchema.safeParse({ insights }, { reportInput: true }).error;

    const problems = error ? describeProblems(error) : [];

    expect(problems).toEqual([`insights[2].category: "Finance" is not one of ${allowedCategories}`]);
  });

  it('states only the broken bound without the schema, and both with it', () => {
    const schema = z.object({ tags: z.array(z.string()).min(2).max(4) });
    const error = schema.safeParse({ tags: ['a'] }, { reportInput: true }).error;

    const problems = error ? [describeProblems(error), describeProblems(error, schema)] : [];

    expect(problems).toEqual([['tags: 1 item, need at least 2'], ['tags: 1 item, need 2-4']]);
  });

  it('lists the types a union accepts', () => {
    const schema = z.object({ value: z.union([z.string(), z.number(), z.boolean()]) });
    const error = schema.safeParse({ value: { amount: 5 } }, { reportInput: true }).error;

    const problems = error ? describeProblems(error, schema) : [];

    expect(problems).toEqual(['value: expected string, number or boolean, got an object']);
  });

  it('states numeric limits', () => {
    const schema = z.object({ score: z.number().max(100), weight: z.number().gt(0) });
    const error = schema.safeParse({ score: 120, weight: 0 }, { reportInput: true }).error;

    const problems = error ? describeProblems(error, schema) : [];

    expect(problems).toEqual(['score: got 120, need at most 100', 'weight: got 0, need more than 0']);
  });
  it('shortens a long value it quotes back', () => {
    const schema = z.object({ category: z.enum(['finance', 'marketing']) });
    const error = schema.safeParse(
      { category: 'Finance, because the revenue goal is most at risk this quarter' },
      { reportInput: true },
    ).error;

    const problems = error ? describeProblems(error, schema) : [];

    expect(problems).toEqual([
      'category: "Finance, because the revenue goal is mos…" is not one of finance, marketing',
    ]);
  });

  it("falls back to the validator's message for a union whose options fail below the top", () => {
    const schema = z.object({ value: z.union([z.string(), z.object({ amount: z.number() })]) });
    const error = schema.safeParse({ value: { amount: 'five' } }, { reportInput: true }).error;

    const problems = error ? describeProblems(error, schema) : [];

    expect(problems).toEqual(['value: Invalid input']);
  });

  it('states inclusive minimums and exclusive maximums', () => {
    const schema = z.object({ score: z.number().min(1), weight: z.number().lt(10) });
    const error = schema.safeParse({ score: 0, weight: 10 }, { reportInput: true }).error;

    const problems = error ? describeProblems(error, schema) : [];

    expect(problems).toEqual(['score: got 0, need at least 1', 'weight: got 10, need less than 10']);
  });

  it('states only the broken maximum without the schema', () => {
    const schema = z.object({ tags: z.array(z.string()).min(2).max(4) });
    const error = schema.safeParse({ tags: ['a', 'b', 'c', 'd', 'e'] }, { reportInput: true }).error;

    const problems = error ? describeProblems(error) : [];

    expect(problems).toEqual(['tags: 5 items, need at most 4']);
  });

  it('states the bounds without a count when the error does not carry the input', () => {
    const schema = z.object({ tags: z.array(z.string()).min(2).max(4) });
    const error = schema.safeParse({ tags: ['a'] }).error;

    const problems = error ? describeProblems(error, schema) : [];

    expect(problems).toEqual(['tags: need 2-4']);
  });
});

describe('lengthBounds', () => {
  it('reads item and character bounds at a path', () => {
    const paths = [['insights'], ['insights', 0, 'title']];

    const bounds = paths.map((path) => lengthBounds(insightsOutputSchema, path));

    expect(bounds).toEqual([
      { min: 5, max: 10 },
      { min: 3, max: 60 },
    ]);
  });

  it('returns no bounds for a path the schema does not have', () => {
    const bounds = lengthBounds(insightsOutputSchema, ['insights', 0, 'unknown']);

    expect(bounds).toEqual({});
  });
  it('returns no bounds for a path that runs on past a leaf of the schema', () => {
    const bounds = lengthBounds(insightsOutputSchema, ['insights', 0, 'title', 'length', 'digits']);

    expect(bounds).toEqual({});
  });
});

describe('repairInstruction', () => {
  it('lists the problems and asks for the tool call again with corrected JSON only', () => {
    const problems = ['insights: 3 items, need 5-10', 'insights[0].actionable: expected boolean, got "yes"'];

    const message = repairInstruction(problems);

    expect(message).toBe(
      [
        'Your previous answer could not be accepted:',
        '- insights: 3 items, need 5-10',
        '- insights[0].actionable: expected boolean, got "yes"',
        '',
        'Call the tool again with the complete, corrected JSON as its input. Fix these problems and keep everything ' +
          'else as it was. Answer with the tool call only: no prose, no code fences.',
      ].join('\n'),
    );
  });

  it('lists at most twenty problems and counts the rest', () => {
    const problems = Array.from({ length: 23 }, (_, index) => `insights[${index}].title: missing; expected string`);

    const lines = repairInstruction(problems).split('\n');

    expect(lines.filter((line) => line.startsWith('- '))).toHaveLength(21);
    expect(lines).toContain('- and 3 more problems of the same kinds');
  });
});
