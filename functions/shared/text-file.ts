/**
 * A file a use case answers with instead of a JSON value (e.g. a CSV export): its media type, the name to save it
 * under and its text. The HTTP pipeline sends it as it is, as an attachment, so use cases stay free of HTTP.
 */
export class TextFile {
  constructor(
    readonly mediaType: string,
    readonly fileName: string,
    readonly text: string,
  ) {}
}

/** A cell of a CSV file: text, or a number written as it is. */
export type CsvCell = string | number;

/** Text a spreadsheet would read as a formula (CSV injection) starts with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell (RFC 4180): text is quoted when it holds a comma, a quote or a line break (quotes doubled), and text
 * that a spreadsheet would run as a formula gets a leading apostrophe; numbers are written as they are.
 */
const csvCell = (cell: CsvCell): string => {
  if (typeof cell === 'number') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A CSV file (RFC 4180: CRLF line ends; UTF-8): the header row, then one line per row. */
export const csvFile = (
  fileName: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
): TextFile =>
  new TextFile(
    'text/csv; charset=utf-8',
    fileName,
    [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join(''),
  );
