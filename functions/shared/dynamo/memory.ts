/**
 * What the in-memory twins of the DynamoDB adapters share to order items as DynamoDB does: a partition's items are
 * sorted by their sort key's UTF-8 bytes (not by JavaScript's UTF-16 string order).
 */

/** Compares two sort keys in DynamoDB's order. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** A map's values in DynamoDB's order of `keyOf` (the sort key each value is stored under). */
export const inKeyOrder = <V>(values: Iterable<V>, keyOf: (value: V) => string): V[] =>
  [...values].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
