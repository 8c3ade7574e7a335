import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { config, ConfigError } from './config';
import { InvalidCursorError } from './errors';
import { onceAsync } from './once';
import * as z from './zod';

/**
 * The one pagination convention of every list route: `page_size` (alias `pageSize`, 1 to 100) and `cursor`, the
 * opaque cursor the previous page answered with (absent on the last page). A cursor is a position signed with
 * HMAC-SHA256 over the list it belongs to (its scope: the tenant, the user where the list is a user's, the filters),
 * so a cursor opens only on the list that issued it: another list's, another tenant's, an edited or a forged one is
 * a 400 `invalid_cursor`, and no position reaches DynamoDB that the service did not write.
 */

/** The largest page any list serves. */
export const MAX_PAGE_SIZE = 100;

const pageSizeSchema = z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE_SIZE));

const pagingShape = {
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  page_size: z.optional(pageSizeSchema),
  pageSize: z.optional(pageSizeSchema),
};

/** A list query as a route reads it: its filters, the cursor, and the page size. */
export type PagedQuery<F extends Readonly<Record<string, z.core.$ZodType>>> = z.output<z.ZodMiniObject<F>> & {
  readonly cursor?: string;
  readonly pageSize: number;
};

/**
 * The query of a list route: its own filters plus `cursor` and `page_size` (or `pageSize`), read as `cursor` and
 * `pageSize` (the default when neither is given). Any other key is refused, as on every route.
 */
export const pagedQuery = <F extends Readonly<Record<string, z.core.$ZodType>>>(
  filters: F,
  defaultPageSize: number,
) => {
  const query = z.strictObject({ ...filters, ...pagingShape });
  return z.pipe(
    query,
    z.transform((given: z.output<typeof query>): PagedQuery<F> => {
      const { page_size, pageSize: alias, ...rest } = given as z.output<z.ZodMiniObject<typeof pagingShape>>;
      return { ...rest, pageSize: page_size ?? alias ?? defaultPageSize } as PagedQuery<F>;
    }),
  );
};

/** The paging members of a list answer: the page size served, and the cursor of the next page (absent on the last). */
export const pageFields = { pageSize: z.number().check(z.int()), cursor: z.optional(z.string()) };

/**
 * The key cursors are signed with: the Secrets Manager secret CURSOR_KEY_SECRET_ID names (cached by Powertools), or,
 * outside Lambda, one made for this process. In Lambda a missing secret is a configuration error, since every
 * instance must open the cursors the others issued.
 */
const cursorKey = /* @__PURE__ */ onceAsync(async (): Promise<Buffer> => {
  const { CURSOR_KEY_SECRET_ID: secretId, AWS_LAMBDA_FUNCTION_NAME: functionName } = config();
  if (secretId) {
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    const secret = await getSecret(secretId, { maxAge: 3600 });
    if (typeof secret !== 'string' || secret.length < 32) throw new ConfigError(`${secretId} is not a cursor key`);
    return Buffer.from(secret, 'utf8');
  }
  if (functionName) throw new ConfigError(`${functionName} pages lists but has no CURSOR_KEY_SECRET_ID`);
  return randomBytes(32);
});

const signature = (key: Buffer, scope: string, payload: string): Buffer =>
  createHmac('sha256', key).update(scope).update('\n').update(payload).digest();

/** An opaque cursor for a position of the list `scope` names. */
export const sealCursor = async (scope: string, position: unknown): Promise<string> => {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${signature(await cursorKey(), scope, payload).toString('base64url')}`;
};

/**
 * The position a cursor stands for, if it was issued for the list `scope` names and has the shape `schema` expects;
 * undefined without a cursor; anything else is an InvalidCursorError.
 */
export const openCursor = async <S extends z.core.$ZodType>(
  scope: string,
  cursor: string | undefined,
  schema: S,
): Promise<z.output<S> | undefined> => {
  if (cursor === undefined) return undefined;
  const [payload = '', mac = '', ...rest] = cursor.split('.');
  const expected = signature(await cursorKey(), scope, payload);
  const given = Buffer.from(mac, 'base64url');
  if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidCursorError();
  }
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = z.safeParse(schema, position);
  if (!parsed.success) throw new InvalidCursorError();
  return parsed.data;
};

/** A position in a list read by offset (a set held in one item, a conversation's numbered messages). */
const offsetSchema = z.strictObject({ offset: z.number().check(z.int(), z.minimum(1)) });

/** Where a page of a list read by offset starts: the cursor's offset, or 0 on the first page. */
export const offsetOf = async (scope: string, cursor: string | undefined): Promise<number> =>
  (await openCursor(scope, cursor, offsetSchema))?.offset ?? 0;

/** The cursor of the page after the one ending at `end`, when the list (of `total` items) goes on. */
export const offsetCursor = async (scope: string, end: number, total: number): Promise<string | undefined> =>
  end < total ? sealCursor(scope, { offset: end }) : undefined;

/** One page of a list held in memory, from the offset the cursor names, with the cursor of the next page. */
export const pageByOffset = async <T>(
  scope: string,
  items: readonly T[],
  query: { readonly cursor?: string; readonly pageSize: number },
): Promise<{ items: T[]; cursor?: string }> => {
  const offset = await offsetOf(scope, query.cursor);
  const end = offset + query.pageSize;
  const cursor = await offsetCursor(scope, end, items.length);
  return { items: items.slice(offset, end), ...(cursor ? { cursor } : {}) };
};
