import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { routes } from '../../../functions/routes';
import { CONSOLE_API_TYPES_FILE, consoleApiTypes } from '../../../local/console-api-types';
import { CONSOLE_DIST, DEV_SIGN_IN_PATH, ensureConsoleBuilt } from '../../../local/console-host';

describe('the web console', () => {
  it('has API types generated from the current docs/openapi.json (npm run console:api)', () => {
    expect(readFileSync(CONSOLE_API_TYPES_FILE, 'utf8')).toBe(consoleApiTypes());
  });

  it('types each operation with its path parameters, body and response', () => {
    const text = consoleApiTypes({
      paths: {
        '/things/{id}': {
          post: {
            operationId: 'makeThing',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            requestBody: {
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
                },
              },
            },
            responses: {
              '201': { content: { 'application/json': { schema: { type: 'array', items: { enum: ['a', 'b'] } } } } },
            },
          },
        },
      },
    });
    expect(text).toContain('path: { id: string; };');
    expect(text).toContain('n: number;');
    expect(text).toContain('response: ("a" | "b")[];');
  });

  it('ships at most 200 KB of gzipped JavaScript', () => {
    ensureConsoleBuilt();
    const assets = join(CONSOLE_DIST, 'assets');
    const js = readdirSync(assets).filter((name) => name.endsWith('.js'));
    const gzipped = js.reduce((total, name) => total + gzipSync(readFileSync(join(assets, name))).length, 0);
    expect(js.length).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(200 * 1024);
  }, 60_000);

  it('keeps the dev sign-in out of the deployed routes', () => {
    const paths = Object.values(routes).map((route) => route.path);
    expect(paths.some((path) => path.startsWith(DEV_SIGN_IN_PATH) || path.startsWith('/local'))).toBe(false);
    expect(paths).not.toContain('/config.json');
  });
});
