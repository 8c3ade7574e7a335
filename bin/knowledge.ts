/**
 * Writes functions/shared/knowledge/articles.generated.json from the markdown articles in knowledge/, so that
 * esbuild bundles the articles into the Lambda as data (no file reads at run time). `npm run knowledge` rewrites
 * it; test/unit/knowledge checks it is up to date.
 */
import { writeFileSync } from 'node:fs';
import { buildArticlesJson, GENERATED_PATH } from '../functions/shared/knowledge/articles-source';

writeFileSync(GENERATED_PATH, buildArticlesJson());
console.log(`wrote ${GENERATED_PATH}`);
