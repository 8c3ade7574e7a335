import { DynamoSourceHealth, InMemorySourceHealth } from '../../../../functions/shared/business-api/health';
import { useDynalite } from '../../../support/contracts/dynalite';
import { sourceHealthContract } from '../../../support/contracts/source-health';

const local = useDynalite();
const AT = new Date('2026-12-02T10:00:00.000Z');

sourceHealthContract('InMemorySourceHealth', { create: async () => new InMemorySourceHealth() });

sourceHealthContract('DynamoSourceHealth on dynalite', {
  create: async () => new DynamoSourceHealth(local.client(), await local.table('SOURCE_HEALTH_TABLE')),
});

describe('DynamoSourceHealth', () => {
  it('refuses a stored record that does not match its schema, naming the item and the source', async () => {
    const table = await local.table('SOURCE_HEALTH_TABLE');
    const store = new DynamoSourceHealth(local.client(), table);
    await store.record('t1', [{ source: 'goals', ok: true }], AT);
    await local.items(table).edit(
      (item) => item.pk === 'TENANT#t1',
      (item) => ({ ...item, 'goals#lastSuccessAt': 'yesterday' }),
    );

    await expect(store.read('t1', AT)).rejects.toThrow(/TENANT#t1 SOURCES goals/);
  });
});
