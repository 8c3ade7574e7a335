import * as z from '../zod';
import { CorruptItemError } from '../errors';

type Item = Record<string, unknown>;

/**
 * A stored item as its schema reads it. Every store reads its DynamoDB items through this, so an item that does not
 * match (hand-edited, or written by a bug) is a CorruptItemError naming the item's key, never a cast that flows on.
 * `key` names the item when what was read does not carry its key (the attributes an update returned).
 */
export const parseItem = <S extends z.core.$ZodType>(
  schema: S,
  item: Item | undefined,
  key = `${String(item?.pk)} ${String(item?.sk)}`,
): z.output<S> => {
  const parsed = z.safeParse(schema, item);
  if (parsed.success) return parsed.data;
  throw new CorruptItemError(`Stored item ${key} does not match its schema:\n${z.prettifyError(parsed.error)}`, {
    cause: parsed.error,
  });
};
