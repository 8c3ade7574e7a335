import { DynamoInsightStore, InMemoryInsightStore } from '../../../functions/insights/store';
import { useDynalite } from '../../support/contracts/dynalite';
import { insightStoreContract } from '../../support/contracts/insight-store';

const local = useDynalite();
let table: string;

insightStoreContract('InMemoryInsightStore', { create: async () => new InMemoryInsightStore() });

insightStoreContract('DynamoInsightStore on dynalite', {
  create: async () => new DynamoInsightStore(local.client(), (table = await local.table('INSIGHTS_TABLE'))),
  storedItems: () => local.items(table),
});
