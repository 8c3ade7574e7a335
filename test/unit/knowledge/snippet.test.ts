import { passagesOf, SNIPPET_MAX_CHARS, snippetFor } from '../../../functions/shared/knowledge/snippet';

/** Lower-cased words, a crude plural strip standing in for the stemmer, "the" as the one stop word. */
const normalize = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9']+/)
    .filter((word) => word && word !== 'the')
    .map((word) => word.replace(/s$/, ''));
const terms = (query: string): Set<string> => new Set(normalize(query));

describe('passagesOf', () => {
  it('makes prose of paragraphs, lists and tables, keeping each section heading for matching only', () => {
    const body = [
      '# Title',
      'First **bold** paragraph.',
      '## Steps',
      '- one\n- two `code`',
      '| Level | What |\n| --- | --- |\n| 1, quiet | only critical |',
    ].join('\n\n');

    const passages = passagesOf(body, normalize);

    expect(passages.map((p) => p.text)).toEqual([
      'First bold paragraph.',
      'one two code',
      'Level: What. 1, quiet: only critical.',
    ]);
    expect(passages.map((p) => p.heading)).toEqual(['Title', 'Steps', 'Steps']);
  });

  it('keeps a one-cell table row as it is and gives a stop word no term', () => {
    const [passage] = passagesOf('| Note |\n| --- |\n| the end |', normalize);

    expect(passage?.text).toBe('Note the end');
    expect(passage?.words.map((word) => word.term)).toEqual(['note', 'end']);
  });
});

describe('snippetFor', () => {
  const body = [
    '# Guide',
    'An introduction that says nothing in particular.',
    '## Invoices',
    'Chase every late invoice within a week.',
    'Invoices and payments and invoices again: payment terms matter for every customer.',
  ].join('\n\n');
  const passages = passagesOf(body, normalize);

  it('is the passage with the most distinct query words, not the one repeating one word', () => {
    expect(snippetFor(passages, terms('late invoices'))).toBe('Chase every late invoice within a week.');
    expect(snippetFor(passages, terms('payment terms'))).toBe(
      'Invoices and payments and invoices again: payment terms matter for every customer.',
    );
  });

  it('counts a word of the section heading when the passage itself lacks it', () => {
    const [first, second] = passagesOf('## Pricing\n\nRaise them yearly.\n\n## Hiring\n\nRaise the bar.', normalize);
    expect(snippetFor([first!, second!], terms('raise pricing'))).toBe('Raise them yearly.');
  });

  it('is the first passage when no passage matches (a match by title or tag only)', () => {
    expect(snippetFor(passages, terms('guide'))).toBe('An introduction that says nothing in particular.');
    expect(snippetFor([], terms('guide'))).toBe('');
  });

  it('starts a long passage at its beginning when the match is there, with no leading ellipsis', () => {
    const long = passagesOf(`cashflow ${Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')}`, normalize);

    const snippet = snippetFor(long, terms('cashflow'));

    expect(snippet.startsWith('cashflow word0')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('is a window of a long passage around its matches, cut at words, with ellipses', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`);
    words.splice(80, 0, 'cashflow');
    const long = passagesOf(words.join(' '), normalize);

    const snippet = snippetFor(long, terms('cashflow'));

    expect(snippet.length).toBeLessThanOrEqual(SNIPPET_MAX_CHARS + 2);
    expect(snippet).toContain('cashflow');
    expect(snippet.startsWith('…word')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(
      snippet
        .slice(1, -1)
        .split(' ')
        .every((w) => /^(word\d+|cashflow)$/.test(w)),
    ).toBe(true);
  });
});
