import * as z from '../zod';

/** The fixed list of knowledge-base categories. */
export const KNOWLEDGE_CATEGORIES = ['coaching', 'goals', 'meetings', 'people', 'product', 'account'] as const;

/** The front matter every article in knowledge/ carries. */
export const articleFrontMatterSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)),
  title: z.string().check(z.minLength(3)),
  category: z.enum(KNOWLEDGE_CATEGORIES),
  tags: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  lastUpdated: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  url: z.string().check(z.regex(/^\/help\/[a-z0-9-]+$/)),
});

const DAY_MS = 86_400_000;
/** A calendar day (YYYY-MM-DD, as `lastUpdated` is) as whole days since the epoch: what date-range filters compare. */
export const dayNumber = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** A parsed article: its front matter and markdown body. */
export type Article = z.infer<typeof articleFrontMatterSchema> & { body: string };

/**
 * Parses one article file: a `---` fenced front matter of `key: value` lines (tags as `[a, b]`) and a body.
 * Throws with the file name when the front matter is missing or invalid.
 */
export function parseArticle(fileName: string, text: string): Article {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (!match) throw new Error(`${fileName}: no front matter`);
  const raw: Record<string, unknown> = {};
  for (const line of (match[1] ?? '').split('\n')) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    raw[key] = value.startsWith('[')
      ? value
          .slice(1, -1)
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean)
      : value.replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  }
  const parsed = articleFrontMatterSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${fileName}: ${parsed.error.message}`);
  return { ...parsed.data, body: (match[2] ?? '').trim() };
}
