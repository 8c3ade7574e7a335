/**
 * What the in-memory twins of the DynamoDB adapters share to keep items as a table does: a partition's items are
 * sorted by their sort key's UTF-8 bytes (not by JavaScript's UTF-16 string order), and what is read or written is a
 * copy, never a reference into the store.
 */

/** Compares two sort keys in DynamoDB's order. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Items by partition and sort key, as a table keeps them. */
export class KeyedItems<V> {
  private readonly partitions = new Map<string, Map<string, V>>();

  get(partition: string, key: string): V | undefined {
    const item = this.partitions.get(partition)?.get(key);
    return item === undefined ? undefined : structuredClone(item);
  }

  put(partition: string, key: string, item: V): void {
    const items = this.partitions.get(partition) ?? new Map<string, V>();
    this.partitions.set(partition, items.set(key, structuredClone(item)));
  }

  delete(partition: string, key: string): void {
    this.partitions.get(partition)?.delete(key);
  }

  /** A partition's items in key order. */
  query(partition: string): V[] {
    return [...(this.partitions.get(partition) ?? [])]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([, item]) => structuredClone(item));
  }
}
