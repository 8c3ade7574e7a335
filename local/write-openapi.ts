import { writeFileSync } from 'node:fs';
import { version } from '../package.json';
import { openApiDocument } from './openapi';

/** Writes the OpenAPI document to docs/openapi.json (or the path given) for the frontend. */
const target = process.argv[2] ?? 'docs/openapi.json';
writeFileSync(target, `${JSON.stringify(openApiDocument(version), null, 2)}\n`);
console.log(`wrote ${target}`);
