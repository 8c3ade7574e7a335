/**
 * Bounds on how deeply JSON nests, checked without recursion before anything walks a document recursively (zod,
 * JSON.stringify, structuredClone and checksums all recurse and overflow the stack on ~10,000 levels).
 */

/** The deepest nesting of arrays and objects the service reads: far beyond any real body or template. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);

/** Whether JSON text opens more than `max` arrays and objects inside one another (strings are skipped). */
export const jsonTextTooDeep = (text: string, max = MAX_JSON_DEPTH): boolean => {
  let depth = 0;
  let inString = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text.charCodeAt(at);
    if (inString) {
      if (char === BACKSLASH) at += 1;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (OPEN.has(char)) {
      depth += 1;
      if (depth > max) return true;
    } else if (CLOSE.has(char)) {
      depth -= 1;
    }
  }
  return false;
};

/** Whether a parsed JSON value nests more than `max` arrays and objects inside one another. */
export const jsonValueTooDeep = (value: unknown, max = MAX_JSON_DEPTH): boolean => {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
};
