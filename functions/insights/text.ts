/** Small text helpers for the sentences signals and rule insights are written in. */

const NAME_MAX = 80;

/** Shortens text to `max` characters, cutting at a word boundary where one is near and ending with '…'. */
export const truncate = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
};

/** A name in single quotes, shortened to a readable length. */
export const quote = (name: string): string => `'${truncate(name, NAME_MAX)}'`;

/** "A", "A and B", "A, B and C". */
export const joinList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** "1 action", "3 actions". */
export const plural = (count: number, noun: string): string => `${count} ${count === 1 ? noun : `${noun}s`}`;

/** "1 action is", "3 actions are". */
export const countIs = (count: number, noun: string): string => `${plural(count, noun)} ${count === 1 ? 'is' : 'are'}`;

/** The calendar day of an ISO date or date-time, as written (YYYY-MM-DD). */
export const isoDay = (iso: string): string => iso.slice(0, 10);

/** The quoted names, then "and others" when they are fewer than `total`. */
export const namesOf = (names: readonly string[], total: number): string =>
  total <= names.length ? joinList(names.map(quote)) : `${names.map(quote).join(', ')} and others`;

/** Up to `limit` quoted names, then "and others" when some were left out. */
export const nameList = (names: readonly string[], limit: number): string =>
  namesOf(names.slice(0, limit), names.length);

/** Words a shortened name must not end on: a phrase cut after them reads as cut. */
const DANGLING = /\s+(?:and|or|to|of|the|a|an|for|with|in|on|at|by|from|under|over|into|per|&|-)$/i;

/**
 * A name or title shortened to whole words within `max` characters, without an ellipsis: at a natural break (a colon, a dash,
 * a comma, a parenthesis) when one leaves enough, else after the last whole word, never on a dangling "and" or "to".
 */
export const wholeWordsWithin = (name: string, max: number): string => {
  if (name.length <= max) return name;
  const atBreak = name.slice(0, max + 1).match(/^(.{12,}?)\s*(?:[:,(]|\s[-–—]\s)/)?.[1];
  let cut = atBreak ?? name.slice(0, max + 1).replace(/\s+\S*$/, '');
  while (DANGLING.test(cut)) cut = cut.replace(DANGLING, '');
  return cut.length >= 3 && cut.length <= max ? cut : name.slice(0, max);
};
