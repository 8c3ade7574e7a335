import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../../package.json';
import { openApiDocument } from '../../../local/openapi';
import { routes } from '../../../functions/routes';

describe('the OpenAPI document', () => {
  const document = openApiDocument(version) as { paths: Record<string, Record<string, { security?: unknown[] }>> };

  it('has one operation per row of the route table', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));

    expect(operations).toHaveLength(Object.keys(routes).length);
  });

  it('marks only the public routes as needing no token', () => {
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(document.paths['/insights']?.get?.security).toBeUndefined();
  });

  it('is committed up to date in docs/openapi.json (run `npm run openapi` after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../docs/openapi.json'), 'utf8'));

    expect(committed).toEqual(document);
  });
});
