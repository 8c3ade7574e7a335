import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArticle } from '../../../functions/shared/knowledge/article';
import { buildArticlesJson, GENERATED_PATH } from '../../../functions/shared/knowledge/articles-source';

const dir = join(__dirname, '../../../knowledge');
const files = readdirSync(dir).filter((name) => name.endsWith('.md'));

describe('knowledge/ articles', () => {
  it('all parse with valid front matter', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => parseArticle(file, readFileSync(join(dir, file), 'utf8'))).not.toThrow();
  });

  it('have unique ids and urls, and the id matches the file name', () => {
    const articles = files.map((file) => ({ file, ...parseArticle(file, readFileSync(join(dir, file), 'utf8')) }));
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
    expect(new Set(articles.map((a) => a.url)).size).toBe(articles.length);
    for (const a of articles) expect(a.file).toBe(`${a.id}.md`);
  });

  it('are at least 30, each of 150 to 400 words', () => {
    const words = (body: string): number => (body.match(/\S*[A-Za-z0-9]\S*/g) ?? []).length;
    const articles = files.map((file) => parseArticle(file, readFileSync(join(dir, file), 'utf8')));
    expect(articles.length).toBeGreaterThanOrEqual(30);
    for (const a of articles)
      expect({ id: a.id, words: words(a.body) >= 150 && words(a.body) <= 400 }).toEqual({ id: a.id, words: true });
  });

  it('rejects an invalid article', () => {
    expect(() => parseArticle('x.md', '---\nid: Bad Id\ntitle: x\n---\nbody')).toThrow('x.md');
    expect(() => parseArticle('y.md', 'no front matter')).toThrow('no front matter');
  });
});

describe('parseArticle', () => {
  it('unquotes a single-quoted title', () => {
    const text =
      "---\nid: a\ntitle: 'A: b'\ncategory: goals\ntags: [x]\nlastUpdated: 2026-12-02\nurl: /help/a\n---\nBody";
    expect(parseArticle('a.md', text).title).toBe('A: b');
  });

  it('reads tags as a list and unquotes a quoted title', () => {
    const article = parseArticle(
      'a.md',
      '---\nid: a\ntitle: "A: b"\ncategory: goals\ntags: [x, y]\nlastUpdated: 2026-12-02\nurl: /help/a\n---\nBody',
    );
    expect(article).toEqual({
      id: 'a',
      title: 'A: b',
      category: 'goals',
      tags: ['x', 'y'],
      lastUpdated: '2026-12-02',
      url: '/help/a',
      body: 'Body',
    });
  });
});

describe('articles.generated.json', () => {
  it('is up to date with knowledge/ (run `npx tsx bin/knowledge.ts`)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(buildArticlesJson());
  });
});
