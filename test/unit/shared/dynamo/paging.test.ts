import { decodeCursor, encodeCursor } from '../../../../functions/shared/dynamo/paging';
import { InvalidCursorError } from '../../../../functions/shared/errors';

const registry = { attributes: ['pk', 'sk'], partition: { name: 'pk', value: 'REGISTRY' } } as const;
const tenantA = { attributes: ['pk', 'sk'], partition: { name: 'pk', value: 'TENANT#a' } } as const;
const tenantB = { attributes: ['pk', 'sk'], partition: { name: 'pk', value: 'TENANT#b' } } as const;
const encoded = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('DynamoDB cursors', () => {
  it('round-trips a LastEvaluatedKey of the list', async () => {
    const key = { pk: 'REGISTRY', sk: 'TENANT#acme' };

    expect(await decodeCursor(await encodeCursor(key, registry), registry)).toEqual(key);
    expect(await encodeCursor(undefined, registry)).toBeUndefined();
    expect(await decodeCursor(undefined, registry)).toBeUndefined();
  });

  it("does not open tenant A's cursor on tenant B's list", async () => {
    const cursor = await encodeCursor({ pk: 'TENANT#a', sk: 'CONV#1' }, tenantA);

    await expect(decodeCursor(cursor, tenantB)).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it.each([
    ['garbage', 'not a cursor'],
    [encoded({ pk: 'REGISTRY', sk: 'x' }), 'a key of the list, unsigned (crafted)'],
    [`${encoded({ pk: 'REGISTRY', sk: 'x' })}.AAAA`, 'a key with a made-up signature'],
    ['', 'empty'],
    ['a.b.c', 'three parts'],
  ])('rejects %p (%s) with invalid_cursor on query.cursor', async (cursor) => {
    const error = await decodeCursor(cursor, registry).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidCursorError);
    expect((error as InvalidCursorError).details.problems).toEqual([
      { field: 'query.cursor', message: expect.any(String) },
    ]);
  });

  it('rejects a signed cursor whose payload was edited', async () => {
    const [, mac] = (await encodeCursor({ pk: 'REGISTRY', sk: 'TENANT#acme' }, registry))?.split('.') ?? [];

    await expect(
      decodeCursor(`${encoded({ pk: 'REGISTRY', sk: 'TENANT#zzz' })}.${mac}`, registry),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
