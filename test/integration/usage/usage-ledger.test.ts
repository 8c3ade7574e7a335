import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../functions/shared/dynamo/client';
import { DynamoUsageLedger, RANKING_SHARDS } from '../../../functions/shared/usage/dynamo-usage-ledger';
import { InMemoryUsageLedger } from '../../../functions/shared/usage/in-memory-usage-ledger';
import { createTables, startDynalite } from '../../../local/dynamo';
import { describeUsageLedgerContract } from '../../support/contracts/usage-ledger';
import { meterCall } from '../../support/usage-fakes';

const TABLE = 'usage-ledger-test-USAGE_TABLE';

/** dynalite with the service's tables, and a document client on it. */
const startDynamo = async (): Promise<{ client: DynamoDBDocumentClient; close(): Promise<void> }> => {
  const dynamo = await startDynalite();
  await createTables(dynamo.endpoint, (envVar) => `usage-ledger-test-${envVar}`);
  const client = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint });
  return {
    client,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
};

describeUsageLedgerContract('InMemoryUsageLedger', async () => ({
  ledger: new InMemoryUsageLedger(),
  close: async () => undefined,
}));

describeUsageLedgerContract('DynamoUsageLedger on dynalite', async () => {
  const dynamo = await startDynamo();
  return { ledger: new DynamoUsageLedger(dynamo.client, TABLE), close: dynamo.close };
});

describe('DynamoUsageLedger reading corrupt items', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let ledger: DynamoUsageLedger;
  const put = (item: Record<string, unknown>) =>
    dynamo.client.send(new PutCommand({ TableName: TABLE, Item: { pk: 'TENANT#corrupt', ...item } }));

  beforeAll(async () => {
    dynamo = await startDynamo();
    ledger = new DynamoUsageLedger(dynamo.client, TABLE);
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it('fails on a month rollup whose counter is not a number, naming the item', async () => {
    await put({ sk: 'USAGE#MONTH#2026-11', calls: 'many', 'warned:0.8': true });

    await expect(ledger.month('corrupt', '2026-11')).rejects.toThrow(
      /Stored item TENANT#corrupt\/USAGE#MONTH#2026-11 does not match its schema.*calls/s,
    );
  });

  it('fails on a day rollup whose breakdown counter is not a number', async () => {
    await put({ sk: 'USAGE#DAY#2026-11-21', calls: 1, 'type:insights:tokens': '1200' });

    await expect(ledger.days('corrupt', '2026-11-21', '2026-11-21')).rejects.toThrow(/type:insights:tokens/);
  });

  it('fails on limits out of their range', async () => {
    await put({ sk: 'USAGE#LIMITS', limits: { monthlyTokenBudget: -5 } });

    await expect(ledger.limitsOverride('corrupt')).rejects.toThrow(
      /Stored item TENANT#corrupt\/USAGE#LIMITS does not match its schema/,
    );
  });

  it('fails on a ranked month without its tenant', async () => {
    await put({ sk: 'USAGE#MONTH#2026-10', rankMonth: 'USAGE#MONTH#2026-10', calls: 1 });

    await expect(ledger.topTenants('2026-10', 10)).rejects.toThrow(/tenantId/);
  });

  it('fails a reservation against a month whose committed counter is corrupt, rather than refusing it', async () => {
    await put({ sk: 'USAGE#MONTH#2026-09', committedTokens: 'lots' });
    const limits = { monthlyTokenBudget: 1000, monthlyCostBudgetUsd: 1, userRequestsPerMinute: 10 };

    await expect(
      ledger.reserve('corrupt', new Date('2026-09-10T00:00:00Z'), { tokens: 1, costMicros: 1 }, limits),
    ).rejects.toThrow(/committedTokens/);
  });
});

describe("DynamoUsageLedger's ranking index", () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let ledger: DynamoUsageLedger;
  const MONTH = '2027-03';
  const at = new Date('2027-03-10T12:00:00Z');

  beforeAll(async () => {
    dynamo = await startDynamo();
    ledger = new DynamoUsageLedger(dynamo.client, TABLE);
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it("spreads the month's tenants over RANKING_SHARDS index keys `<month>#<shard>`, one per tenant", async () => {
    const tenants = Array.from({ length: 40 }, (_, i) => `spread-${i}`);
    for (const tenantId of tenants) await meterCall(ledger, tenantId, at);

    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: TABLE, IndexName: 'byMonth' }));
    const keys = Items.filter((item) => String(item.tenantId).startsWith('spread-')).map((item) => item.rankMonth);

    expect(keys).toHaveLength(tenants.length);
    expect(keys.every((key) => new RegExp(`^USAGE#MONTH#${MONTH}#\\d+$`).test(key))).toBe(true);
    expect(new Set(keys.map((key) => Number(key.split('#').at(-1))))).toEqual(
      new Set(Array.from({ length: RANKING_SHARDS }, (_, shard) => shard)),
    );
    expect((await ledger.topTenants(MONTH, 100)).map((entry) => entry.tenantId).sort()).toEqual([...tenants].sort());
  });

  it('still ranks a month rollup written before the sharding (under the bare month key), until a call moves it', async () => {
    await dynamo.client.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: 'TENANT#unsharded',
          sk: `USAGE#MONTH#${MONTH}`,
          rankMonth: `USAGE#MONTH#${MONTH}`,
          tenantId: 'unsharded',
          calls: 3,
          totalTokens: 900,
          costMicros: 999_999,
        },
      }),
    );

    const [top] = await ledger.topTenants(MONTH, 1);
    await meterCall(ledger, 'unsharded', at);
    const moved = await dynamo.client.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'TENANT#unsharded', sk: `USAGE#MONTH#${MONTH}` } }),
    );

    expect(top).toEqual({ tenantId: 'unsharded', calls: 3, totalTokens: 900, costMicros: 999_999 });
    expect(moved.Item?.rankMonth).toMatch(new RegExp(`^USAGE#MONTH#${MONTH}#\\d+$`));
    expect((await ledger.topTenants(MONTH, 1))[0]).toMatchObject({ tenantId: 'unsharded', calls: 4 });
  });
});
