/**
 * Numbers as written in text: what the checks of model output (insights grounding, nudge phrasing) compare with the
 * numbers of their input.
 */

/** A number as written in text, with how far off a source value may be and still count as the same number. */
export interface NumberMention {
  readonly text: string;
  readonly value: number;
  readonly tolerance: number;
  readonly percent: boolean;
  /** Ordinals, list markers, identifiers and 0/1: numbers that state no fact. */
  readonly ignorable: boolean;
}

const scales: ReadonlyMap<string, number> = new Map([
  ['k', 1e3],
  ['thousand', 1e3],
  ['m', 1e6],
  ['mn', 1e6],
  ['million', 1e6],
  ['b', 1e9],
  ['bn', 1e9],
  ['billion', 1e9],
]);

/**
 * `$1,200.50`, `45k`, `1.2M`, `3.5 million`, `72.4%`, `5 percentage points`, `3rd`. Groups: currency, whole
 * part, decimals, percent sign, scale word, scale letter, ordinal suffix.
 */
const numberPattern = new RegExp(
  [
    /([$€£])?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?/.source,
    /(?:\s?(%|percent(?:age points?)?\b)|\s?(thousand|million|billion)\b|(k|mn|m|bn|b)\b|(st|nd|rd|th)\b)?/.source,
  ].join(''),
  'gi',
);

/**
 * Every number written in `text`, as grounding checks read them: `$12,500`, `12,500` and `12500` all have the value
 * 12500; `45k`, `1.2M` and `3.5 million` are scaled; a percentage says so.
 */
export function scanNumbers(text: string): NumberMention[] {
  return [...text.matchAll(numberPattern)].map((match) => {
    const [written, currency, whole = '', decimals = '', percentSign, word, letter, ordinal] = match;
    const digits = whole.replace(/,/g, '');
    const scale = scales.get((word ?? letter ?? '').toLowerCase()) ?? 1;
    const value = Number(`${digits}.${decimals || '0'}`) * scale;
    const percent = percentSign !== undefined;
    const rounding = precision(digits, decimals, scale) / 2;
    const bare = currency === undefined && decimals === '' && scale === 1 && !percent;
    const ignorable =
      ordinal !== undefined ||
      value === 0 ||
      value === 1 ||
      (currency === undefined && isIdentifierPart(text, match.index)) ||
      (bare && isListMarker(text, match.index, match.index + written.length));
    return { text: written.trim(), value, tolerance: percent ? Math.max(rounding, 1) : rounding, percent, ignorable };
  });
}

/**
 * The unit of the last digit as written: 0.1 for `72.4`, 100,000 for `1.2M`, 1 for `2026`. A whole number with
 * three or more trailing zeros (`45,000`) may be rounded, to two significant figures at most.
 */
function precision(digits: string, decimals: string, scale: number): number {
  const zeros = decimals === '' && scale === 1 ? digits.length - digits.replace(/0+$/, '').length : 0;
  return zeros >= 3 ? 10 ** Math.min(zeros, digits.length - 2) : 10 ** -decimals.length * scale;
}

/** `Q3`, `FY2026`, `g-12`, `#2`: the digits belong to a name. */
function isIdentifierPart(text: string, index: number): boolean {
  return /(?:[A-Za-z#]|[A-Za-z][-_])$/.test(text.slice(Math.max(0, index - 2), index));
}

/** `1. ` or `2) ` opening a line, `(3)`, or `: 1)` / `, 2)` inline. */
function isListMarker(text: string, start: number, end: number): boolean {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const opensLine = /^[.)](\s|$)/.test(after) && /(^|\n)[ \t]*$/.test(before);
  return opensLine || (/^\)/.test(after) && /[(:;,][ \t]*$/.test(before));
}
