import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BusinessSnapshot, SourceName } from '../../functions/shared/business-api/model';
import { sourceNames } from '../../functions/shared/business-api/model';
import { parseSource } from '../../functions/shared/business-api/parse';

const fixtureDir = join(__dirname, '..', '..', 'local', 'fixtures', 'business');

/**
 * A demo tenant's snapshot (local/fixtures/business), parsed with the production source schemas, fetched at
 * `fetchedAt`, without the sources named in `without` (each a `timeout` gap).
 */
export const demoSnapshot = (
  tenantId: string,
  fetchedAt: Date,
  without: readonly SourceName[] = [],
): BusinessSnapshot => {
  const raw = JSON.parse(readFileSync(join(fixtureDir, `${tenantId}.json`), 'utf8')) as Record<SourceName, unknown>;
  const parsed: Record<string, unknown> = {};
  for (const name of sourceNames) {
    if (without.includes(name)) continue;
    const result = parseSource(name, raw[name]);
    if (result.success) parsed[name] = result.value;
  }
  return {
    tenantId,
    fetchedAt: fetchedAt.toISOString(),
    ...parsed,
    gaps: without.map((source) => ({ source, reason: 'timeout' as const })),
    dropped: {},
  };
};
