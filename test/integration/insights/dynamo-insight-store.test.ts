import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../functions/shared/dynamo/client';
import type { InsightSet } from '../../../functions/insights/model';
import { DynamoInsightStore } from '../../../functions/insights/store';
import { createTables, startDynalite, type LocalDynamo } from '../../../local/dynamo';
import { anInsight } from '../../support/insight-factory';

const TABLE = 'insights-store-test';
const NOW = new Date('2026-11-21T08:00:00.000Z');
let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;
let store: DynamoInsightStore;

const aSet = (tenantId: string, setId: string): InsightSet => ({
  tenantId,
  setId,
  generatedAt: NOW.toISOString(),
  expiresAt: '2026-11-22T08:00:00.000Z',
  insights: [anInsight({ id: `${setId}-a` }), anInsight({ id: `${setId}-b` })],
  dataGaps: [],
  provenance: { promptTopic: 'rules', promptVersion: 'rules-v1', outcome: 'rules' },
  revision: 0,
});

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.endpoint, (envVar) => (envVar === 'INSIGHTS_TABLE' ? TABLE : 'usage-store-test'));
  client = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint });
  store = new DynamoInsightStore(client, TABLE);
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

describe('DynamoInsightStore on dynalite', () => {
  it('replaces a set only if it is unchanged since it was read', async () => {
    const first = aSet('t-save', 's1');
    expect(await store.saveSet(first, undefined)).toBe(true);
    expect(await store.saveSet(aSet('t-save', 'other'), undefined)).toBe(false);

    await store.updateStatus('t-save', 's1-a', 'dismissed', NOW);
    const stale = await store.saveSet(aSet('t-save', 's2'), first);
    const latest = await store.currentSet('t-save');
    const fresh = await store.saveSet(aSet('t-save', 's3'), latest);

    expect(stale).toBe(false);
    expect(latest).toMatchObject({ setId: 's1', revision: 1 });
    expect(latest?.insights[0]?.status).toBe('dismissed');
    expect(fresh).toBe(true);
    expect((await store.currentSet('t-save'))?.setId).toBe('s3');
  });

  it('keeps status updates idempotent and per tenant', async () => {
    await store.saveSet(aSet('t-a', 'a1'), undefined);

    const once = await store.updateStatus('t-a', 'a1-b', 'acknowledged', NOW);
    const twice = await store.updateStatus('t-a', 'a1-b', 'acknowledged', NOW);
    const otherTenant = await store.updateStatus('t-b', 'a1-b', 'dismissed', NOW);

    expect(once?.status).toBe('acknowledged');
    expect(twice?.status).toBe('acknowledged');
    expect((await store.currentSet('t-a'))?.revision).toBe(1);
    expect(otherTenant).toBeUndefined();
  });

  it('lets one caller hold the generation lease until it is released or expires', async () => {
    const first = await store.acquireLease('t-lease', 'one', NOW, 10);
    const second = await store.acquireLease('t-lease', 'two', NOW, 10);
    const afterExpiry = await store.acquireLease('t-lease', 'two', new Date(NOW.getTime() + 11_000), 10);
    await store.releaseLease('t-lease', 'one');
    const stillHeld = await store.acquireLease('t-lease', 'three', new Date(NOW.getTime() + 12_000), 10);

    expect([first, second, afterExpiry, stillHeld]).toEqual([true, false, true, false]);
  });

  it('allows one refresh per cooldown and says how long to wait', async () => {
    const first = await store.claimRefresh('t-refresh', NOW, 300);
    const tooSoon = await store.claimRefresh('t-refresh', new Date(NOW.getTime() + 100_000), 300);
    const later = await store.claimRefresh('t-refresh', new Date(NOW.getTime() + 300_000), 300);

    expect(first).toEqual({ ok: true });
    expect(tooSoon).toEqual({ ok: false, retryAfterSeconds: 200 });
    expect(later).toEqual({ ok: true });
  });

  it('returns dismissals still in force, not expired ones', async () => {
    await store.suppress('t-dismiss', { fingerprint: 'fp-old', title: 'Old' }, new Date(NOW.getTime() - 1000));
    await store.suppress('t-dismiss', { fingerprint: 'fp-new', title: 'New' }, new Date(NOW.getTime() + 86_400_000));

    expect(await store.activeDismissals('t-dismiss', NOW)).toEqual([{ fingerprint: 'fp-new', title: 'New' }]);
  });
});
