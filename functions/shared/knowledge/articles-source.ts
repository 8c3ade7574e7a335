import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArticle, type Article } from './article';

/** The folder of markdown articles. */
export const KNOWLEDGE_DIR = join(__dirname, '../../../knowledge');
/** The generated module the bundles import. */
export const GENERATED_PATH = join(__dirname, 'articles.generated.json');

/** Every article in knowledge/, parsed and validated, sorted by id. Build-time only (reads the file system). */
export function readArticles(dir = KNOWLEDGE_DIR): Article[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => parseArticle(name, readFileSync(join(dir, name), 'utf8')))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The text of the generated JSON module. */
export function buildArticlesJson(dir = KNOWLEDGE_DIR): string {
  return `${JSON.stringify(readArticles(dir), null, 2)}\n`;
}
