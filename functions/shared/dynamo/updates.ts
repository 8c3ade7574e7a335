/** An UpdateItem's expression and its placeholders. */
export interface FieldUpdate {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * The update that sets each of `fields` (attribute name to value) and nothing else: a per-field update, so writes of
 * other fields of the item, concurrent or earlier, stay. Names and values go through placeholders (`#f0` / `:f0`), so
 * any attribute name works, reserved words and `#` included.
 */
export const setFields = (fields: Readonly<Record<string, unknown>>): FieldUpdate => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    return `#f${i} = :f${i}`;
  });
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};
