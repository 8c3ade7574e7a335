import { jsonTextTooDeep, jsonValueTooDeep, MAX_JSON_DEPTH } from '../../../functions/shared/json-depth';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonTextTooDeep', () => {
  it('allows MAX_JSON_DEPTH levels of arrays and objects and refuses one more', () => {
    const deepest = `{"a":${nested(MAX_JSON_DEPTH - 1)}}`;

    expect(jsonTextTooDeep(deepest)).toBe(false);
    expect(jsonTextTooDeep(`[${deepest}]`)).toBe(true);
  });

  it('refuses 10,000 levels, closed or left open, and counts nothing inside strings', () => {
    expect(jsonTextTooDeep(`{"topic":${nested(10_000)}}`)).toBe(true);
    expect(jsonTextTooDeep(`{"topic":${'['.repeat(10_000)}`)).toBe(true);
    expect(jsonTextTooDeep(JSON.stringify({ text: `"${'['.repeat(10_000)}\\` }))).toBe(false);
  });

  it('follows a document that goes deep and comes back up', () => {
    expect(jsonTextTooDeep(`[${Array.from({ length: 100 }, () => nested(10)).join(',')}]`, 11)).toBe(false);
  });
});

describe('jsonValueTooDeep', () => {
  it('measures a parsed value as its text: MAX_JSON_DEPTH levels pass, one more does not', () => {
    const deepest = JSON.parse(nested(MAX_JSON_DEPTH)) as unknown;

    expect(jsonValueTooDeep(deepest)).toBe(false);
    expect(jsonValueTooDeep([deepest])).toBe(true);
    expect(jsonValueTooDeep(JSON.parse(nested(10_000)))).toBe(true);
    expect(jsonValueTooDeep('[[[')).toBe(false);
  });
});
