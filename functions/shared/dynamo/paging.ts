import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { openCursor, sealCursor } from '../pagination';
import * as z from '../zod';

type Item = Record<string, unknown>;
type Key = Record<string, string>;

/** Every page of a query, in order, following LastEvaluatedKey until DynamoDB has no more. */
export async function* queryPages(client: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item a query matches (all pages). */
export const queryAll = async (client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> => {
  const items: Item[] = [];
  for await (const page of queryPages(client, input)) items.push(...page);
  return items;
};

/**
 * What a cursor of a list carries: exactly these key attributes (strings, as every key of the service's tables is),
 * within the query's own partition. The partition is part of the cursor's signed scope, so a cursor opens only on
 * the list (tenant, user, index) that issued it.
 */
export interface CursorShape {
  readonly attributes: readonly string[];
  readonly partition: { readonly name: string; readonly value: string };
}

/** A cursor's scope: the list it was issued for, partition included. */
const scopeOf = (shape: CursorShape): string =>
  JSON.stringify(['dynamo', shape.attributes, shape.partition.name, shape.partition.value]);

/** The key a cursor of this shape may carry, and nothing else. */
const keySchemaOf = (shape: CursorShape): z.ZodMiniType<Key> =>
  z.strictObject(Object.fromEntries(shape.attributes.map((name) => [name, z.string().check(z.maxLength(1024))])));

/** The signed cursor of a page's LastEvaluatedKey; undefined when there is no next page. */
export const encodeCursor = async (
  key: Record<string, unknown> | undefined,
  shape: CursorShape,
): Promise<string | undefined> => (key ? sealCursor(scopeOf(shape), key) : undefined);

/**
 * The ExclusiveStartKey a cursor stands for: only a cursor this list issued opens (400 `invalid_cursor` for any
 * other), and its key has exactly the shape's attributes.
 */
export const decodeCursor = async (cursor: string | undefined, shape: CursorShape): Promise<Key | undefined> =>
  openCursor(scopeOf(shape), cursor, keySchemaOf(shape));

/** One page of a query: its items and the cursor of the next page, if any. */
export const queryPage = async (
  client: DynamoDBDocumentClient,
  input: QueryCommandInput & { readonly Limit: number },
  cursor: string | undefined,
  shape: CursorShape,
): Promise<{ items: Item[]; cursor?: string }> => {
  const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: await decodeCursor(cursor, shape) }));
  const next = await encodeCursor(page.LastEvaluatedKey, shape);
  return { items: page.Items ?? [], ...(next ? { cursor: next } : {}) };
};
