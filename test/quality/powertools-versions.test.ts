import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Powertools packages share internals (@aws-lambda-powertools/commons, the invoke store, the cold-start flag):
 * mixing versions bundles two copies of them and has broken utilities before. So every one the project depends on
 * is pinned to the same exact version, and the lock file resolves every copy, the transitive ones too, to it.
 */
const ROOT = join(__dirname, '..', '..');
const SCOPE = '@aws-lambda-powertools/';

const read = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

const manifest = read<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(
  'package.json',
);
const lock = read<{ packages: Record<string, { version?: string }> }>('package-lock.json');

const declared = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([name]) =>
  name.startsWith(SCOPE),
);
const [, pinned] = declared[0] ?? [];

describe('the @aws-lambda-powertools packages', () => {
  it('are declared with one exact version', () => {
    expect(declared.length).toBeGreaterThan(1);
    for (const [name, version] of declared) {
      expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      expect({ name, version }).toEqual({ name, version: pinned });
    }
  });

  it('resolve to that version everywhere in the lock file, the ones other packages bring too', () => {
    const locked = Object.entries(lock.packages).filter(([path]) =>
      path.split('node_modules/').at(-1)?.startsWith(SCOPE),
    );

    expect(locked.length).toBeGreaterThanOrEqual(declared.length);
    expect(
      locked.filter(([, entry]) => entry.version !== pinned).map(([path, entry]) => [path, entry.version]),
    ).toEqual([]);
  });
});
