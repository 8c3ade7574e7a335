/** Turns text into its search terms (lower-cased, stemmed, stop words dropped), as the index does. */
export type Normalize = (text: string) => string[];

/** One passage of an article: its display text and where each of its words' terms sits in it. */
export interface Passage {
  readonly text: string;
  /** The section heading above it, counted for matching but not shown. */
  readonly heading: string;
  readonly words: readonly { readonly start: number; readonly end: number; readonly term: string }[];
  readonly headingTerms: ReadonlySet<string>;
}

/**
 * Words that carry no topic in an owner's question ("how do I ...", "why is my ..."): not indexed, not searched.
 * Orama ships no English list of its own (its stop-words package is separate); this one is short on purpose.
 */
export const STOP_WORDS = [
  'a', 'about', 'all', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'being', 'but', 'by', 'can',
  'could', 'did', 'do', 'does', 'doing', 'for', 'from', 'had', 'has', 'have', 'he', 'her', 'his', 'how', 'i', "i'm",
  'if', 'in', 'into', 'is', 'it', "it's", 'its', 'me', 'my', 'of', 'on', 'or', 'our', 'she', 'should', 'so', 'than',
  'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'to', 'us', 'was', 'we', 'were',
  'what', "what's", 'when', 'where', 'which', 'who', 'why', 'will', 'with', 'would', 'you', 'your',
]; // prettier-ignore

/** The longest snippet, in characters (a whole passage up to this length, else a window of it). */
export const SNIPPET_MAX_CHARS = 320;

/** A word as Orama's English tokenizer splits text, but split at hyphens too (as the index's text is). */
const WORD = /[A-Za-zàèéìòóù0-9_']+/g;

const STOP_WORD_SET: ReadonlySet<string> = new Set(STOP_WORDS);

/**
 * Search terms without stemming (the lower-cased words, stop words dropped): for text outside the Orama index, such
 * as a Bedrock Knowledge Base chunk and the query it answered.
 */
export const plainTerms: Normalize = (text) =>
  (text.toLowerCase().match(WORD) ?? []).filter((word) => !STOP_WORD_SET.has(word));

/** A markdown table row as prose (`| a | b |` -> `a: b.`); a separator row (`|---|`) as nothing. */
const tableRow = (line: string): string => {
  if (/^[\s|:-]+$/.test(line)) return '';
  const [first = '', ...rest] = line
    .split('|')
    .map((cell) => cell.trim())
    .filter(Boolean);
  return rest.length > 0 ? `${first}: ${rest.join(', ')}.` : first;
};

/** A markdown block as plain prose: no heading marks, emphasis, list markers, table pipes or line breaks. */
const plain = (block: string): string =>
  block
    .split('\n')
    .map((line) => {
      const text = line
        .trim()
        .replace(/^(?:[-*+]|\d+\.)\s+/, '')
        .replace(/\*\*|__|`/g, '');
      return text.startsWith('|') ? tableRow(text) : text;
    })
    .filter(Boolean)
    .join(' ');

/**
 * Splits an article's markdown body into passages (its paragraphs and lists), each with the words' terms and the
 * heading of its section. The article's top heading (its title) is not a passage.
 */
export const passagesOf = (body: string, normalize: Normalize): Passage[] => {
  const passages: Passage[] = [];
  let heading = '';
  for (const block of body.split(/\n\s*\n/)) {
    const trimmed = block.trim();
    const headingMatch = /^#{1,6}\s+(.*)$/.exec(trimmed);
    if (headingMatch) {
      heading = plain(headingMatch[1] ?? '');
      continue;
    }
    const text = plain(trimmed);
    if (!text) continue;
    const words = [...text.matchAll(WORD)].flatMap((match) => {
      const term = normalize(match[0])[0];
      return term === undefined ? [] : [{ start: match.index, end: match.index + match[0].length, term }];
    });
    passages.push({ text, heading, words, headingTerms: new Set(normalize(heading)) });
  }
  return passages;
};

/**
 * How well a passage matches: each distinct query term found counts 10 (in its heading 5), each further occurrence 1,
 * so a passage with more of the query's terms beats one repeating a single term.
 */
const passageScore = (passage: Passage, terms: ReadonlySet<string>): number => {
  const found = new Set<string>();
  let occurrences = 0;
  for (const word of passage.words) {
    if (!terms.has(word.term)) continue;
    found.add(word.term);
    occurrences += 1;
  }
  let inHeading = 0;
  for (const term of terms) if (!found.has(term) && passage.headingTerms.has(term)) inHeading += 1;
  return found.size * 10 + inHeading * 5 + (occurrences - found.size);
};

/** The window of at most `max` characters of a long passage holding the most query words, cut at word boundaries. */
const windowOf = (passage: Passage, terms: ReadonlySet<string>, max: number): string => {
  const { text } = passage;
  const hits = passage.words.filter((word) => terms.has(word.term));
  let best = { start: 0, count: 0 };
  for (const first of hits) {
    // Centre the first matched word of the window a quarter in, so the snippet reads from just before the match.
    const start = Math.max(0, Math.min(first.start - Math.floor(max / 4), text.length - max));
    const count = hits.filter((hit) => hit.start >= start && hit.end <= start + max).length;
    if (count > best.count) best = { start, count };
  }
  let start = best.start;
  let end = Math.min(text.length, start + max);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space < 0 || space > start + 30 ? start : space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    end = space > start ? space : end;
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/[\s,;:]+$/, '')}${end < text.length ? '…' : ''}`;
};

/**
 * The snippet of an article for a query: its best matching passage (the first one when none matches, e.g. a match
 * by title only), whole when short, else the window of it with the most query words.
 */
export const snippetFor = (
  passages: readonly Passage[],
  terms: ReadonlySet<string>,
  max = SNIPPET_MAX_CHARS,
): string => {
  let best: { passage: Passage; score: number } | undefined;
  for (const passage of passages) {
    const score = passageScore(passage, terms);
    if (!best || score > best.score) best = { passage, score };
  }
  if (!best) return '';
  return best.passage.text.length <= max ? best.passage.text : windowOf(best.passage, terms, max);
};
