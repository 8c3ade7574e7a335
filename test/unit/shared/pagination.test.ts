import { InvalidCursorError } from '../../../functions/shared/errors';
import { pagedQuery, pageByOffset } from '../../../functions/shared/pagination';
import * as z from '../../../functions/shared/zod';

describe('pagedQuery', () => {
  const query = pagedQuery({ status: z.optional(z.enum(['open', 'done'])) }, 20);

  it('reads cursor and page_size (or pageSize) next to the filters, with a default size', () => {
    expect(query.parse({})).toEqual({ pageSize: 20 });
    expect(query.parse({ status: 'open', cursor: 'c', pageSize: '7' })).toEqual({
      status: 'open',
      cursor: 'c',
      pageSize: 7,
    });
    expect(query.parse({ pageSize: '7', page_size: '9' }).pageSize).toBe(9);
  });

  it.each([[{ page_size: '101' }], [{ page_size: '0' }], [{ page: '2' }], [{ cursor: '' }]])('refuses %j', (raw) => {
    expect(query.safeParse(raw).success).toBe(false);
  });
});

describe('pageByOffset', () => {
  const letters = ['a', 'b', 'c', 'd', 'e'];

  it('pages a list with cursors until the last page, which has none', async () => {
    const first = await pageByOffset('letters', letters, { pageSize: 2 });
    const second = await pageByOffset('letters', letters, { pageSize: 2, cursor: first.cursor ?? '' });
    const last = await pageByOffset('letters', letters, { pageSize: 2, cursor: second.cursor ?? '' });

    expect([first.items, second.items, last.items]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(last.cursor).toBeUndefined();
  });

  it("refuses another list's cursor", async () => {
    const first = await pageByOffset('letters of tenant a', letters, { pageSize: 2 });

    await expect(
      pageByOffset('letters of tenant b', letters, { pageSize: 2, cursor: first.cursor ?? '' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('the cursor key', () => {
  it('is required in Lambda, where every instance must open the cursors the others issued', async () => {
    const env = { ...process.env };
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'coaching-list-insights';
    delete process.env.CURSOR_KEY_SECRET_ID;
    try {
      let seal: typeof import('../../../functions/shared/pagination').sealCursor = async () => '';
      jest.isolateModules(() => {
        ({ sealCursor: seal } = jest.requireActual('../../../functions/shared/pagination'));
      });

      await expect(seal('list', { offset: 1 })).rejects.toThrow(/CURSOR_KEY_SECRET_ID/);
    } finally {
      process.env = env;
    }
  });
});
