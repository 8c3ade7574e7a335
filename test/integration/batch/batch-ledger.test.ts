import { DynamoBatchLedger, InMemoryBatchLedger } from '../../../functions/batch/store';
import { batchLedgerContract } from '../../support/contracts/batch-ledger';
import { useDynalite } from '../../support/contracts/dynalite';

const local = useDynalite();
let table: string;

batchLedgerContract('InMemoryBatchLedger', { create: async () => new InMemoryBatchLedger() });

batchLedgerContract('DynamoBatchLedger on dynalite', {
  create: async () => new DynamoBatchLedger(local.client(), (table = await local.table('BATCH_TABLE'))),
  storedItems: () => local.items(table),
});
