import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors';

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
 * What a cursor may carry: exactly these key attributes, strings (every key of the service's tables is), with the
 * partition attribute equal to the query's own partition (so a crafted cursor can neither cross tenants nor reach
 * another index).
 */
export interface CursorShape {
  readonly attributes: readonly string[];
  readonly partition: { readonly name: string; readonly value: string };
}

/** An opaque cursor for a page's LastEvaluatedKey (base64url JSON); undefined when there is no next page. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * The ExclusiveStartKey a cursor stands for, checked against the query's shape: anything else (not base64url JSON,
 * other attributes or types, another partition) is a 400 `validation_error` on `query.cursor`.
 */
export const decodeCursor = (cursor: string | undefined, shape: CursorShape): Key | undefined => {
  if (cursor === undefined) return undefined;
  const invalid = (): ValidationError =>
    new ValidationError('Invalid query: cursor is not a cursor of this list', [
      { field: 'query.cursor', message: 'is not a cursor of this list; pass the cursor of the previous page' },
    ]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (key === null || typeof key !== 'object' || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key as Record<string, unknown>);
  const wellFormed =
    entries.length === shape.attributes.length &&
    entries.every(
      ([name, value]) => shape.attributes.includes(name) && typeof value === 'string' && value.length <= 1024,
    ) &&
    (key as Record<string, unknown>)[shape.partition.name] === shape.partition.value;
  if (!wellFormed) throw invalid();
  return key as Key;
};

/** One page of a query: its items and the cursor of the next page, if any. */
export const queryPage = async (
  client: DynamoDBDocumentClient,
  input: QueryCommandInput & { readonly Limit: number },
  cursor: string | undefined,
  shape: CursorShape,
): Promise<{ items: Item[]; cursor?: string }> => {
  const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: decodeCursor(cursor, shape) }));
  const next = encodeCursor(page.LastEvaluatedKey);
  return { items: page.Items ?? [], ...(next ? { cursor: next } : {}) };
};
