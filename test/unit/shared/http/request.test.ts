import { ValidationError } from '../../../../functions/shared/errors';
import { parsePart } from '../../../../functions/shared/http/request';
import * as z from '../../../../functions/shared/zod';

/** The problems a part's parse reports. */
const problems = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('the part was accepted');
};

describe('parsePart', () => {
  const body = z.strictObject({
    topic: z.enum(['vision', 'purpose']),
    note: z.optional(z.string().check(z.minLength(1), z.maxLength(5))),
    settings: z.optional(z.strictObject({ depth: z.number().check(z.int(), z.maximum(3)) })),
  });

  it('says what each field must be: required, one of the values, within its bounds', () => {
    expect(problems(() => parsePart(body, { note: '' }, 'body'))).toEqual([
      { field: 'body.topic', message: 'is required' },
      { field: 'body.note', message: 'must not be empty' },
    ]);
    expect(problems(() => parsePart(body, { topic: 'x', note: 'longer', settings: { depth: 4 } }, 'body'))).toEqual([
      { field: 'body.topic', message: 'must be one of: vision, purpose' },
      { field: 'body.note', message: 'must be at most 5 characters long' },
      { field: 'body.settings.depth', message: 'must be at most 3' },
    ]);
  });

  it('names the fields allowed where a key is not, at any depth', () => {
    expect(problems(() => parsePart(body, { topic: 'vision', settings: { depth: 1, width: 2 } }, 'body'))).toEqual([
      { field: 'body.settings.width', message: 'is not allowed; the allowed fields are depth' },
    ]);
  });

  it('ignores the cache-buster `_` in a query, and accepts no other key on a route without a query schema', () => {
    expect(parsePart(undefined, { _: '1733011200000' }, 'query')).toBeUndefined();
    expect(problems(() => parsePart(undefined, { page: '2' }, 'query'))).toEqual([
      { field: 'query.page', message: 'is not allowed; this takes no parameters' },
    ]);
  });
});

describe('numbers in a body', () => {
  const body = z.object({ budget: z.optional(z.number()), extra: z.optional(z.record(z.string(), z.unknown())) });

  it.each([
    ['{"budget": 1e200}', 'body.budget'],
    ['{"budget": 1e400}', 'body.budget'],
    ['{"budget": -1e400}', 'body.budget'],
    ['{"budget": 1e-200}', 'body.budget'],
    ['{"extra": {"deep": [1, {"n": 1e300}]}}', 'body.extra.deep.1.n'],
  ])('%s is out of range at %s (not stored, not a 500)', (json, field) => {
    expect(problems(() => parsePart(body, JSON.parse(json), 'body'))).toEqual([
      { field, message: expect.stringMatching(/^is out of range/) },
    ]);
  });

  it('accepts numbers a store keeps', () => {
    expect(parsePart(body, { budget: 1e125, extra: { n: -0.5, z: 0, small: 1e-130 } }, 'body')).toEqual({
      budget: 1e125,
      extra: { n: -0.5, z: 0, small: 1e-130 },
    });
  });
});
