import { decodeCursor, encodeCursor } from '../../../../functions/shared/dynamo/paging';
import { ValidationError } from '../../../../functions/shared/errors';

const shape = { attributes: ['pk', 'sk'], partition: { name: 'pk', value: 'REGISTRY' } } as const;
const encoded = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors', () => {
  it('round-trips a LastEvaluatedKey of the list', () => {
    const key = { pk: 'REGISTRY', sk: 'TENANT#acme' };

    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined, shape)).toBeUndefined();
  });

  it.each([
    ['garbage', 'not base64url JSON'],
    [encoded([1, 2]), 'an array'],
    [encoded(null), 'null'],
    [encoded({ pk: 'REGISTRY' }), 'a missing key attribute'],
    [encoded({ pk: 'REGISTRY', sk: 'x', extra: 1 }), 'an extra attribute'],
    [encoded({ pk: 'REGISTRY', sk: { S: 'x' } }), 'a value that is not a string'],
    [encoded({ pk: 'REGISTRY', sk: 7 }), 'a number (every key of the tables is a string)'],
    [encoded({ pk: 'TENANT#other', sk: 'x' }), 'another partition'],
  ])('rejects %p (%s) with a 400 on query.cursor', (cursor) => {
    const decode = (): unknown => decodeCursor(cursor, shape);

    expect(decode).toThrow(ValidationError);
    try {
      decode();
    } catch (error) {
      expect((error as ValidationError).problems).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
    }
  });
});
