import { DynamoJobStore, InMemoryJobStore } from '../../../../functions/shared/jobs/store';
import { useDynalite } from '../../../support/contracts/dynalite';
import { jobStoreContract } from '../../../support/contracts/job-store';

const local = useDynalite();
let table: string;

jobStoreContract('InMemoryJobStore', { create: async (clock) => new InMemoryJobStore(clock) });

jobStoreContract('DynamoJobStore on dynalite', {
  create: async (clock) => new DynamoJobStore(local.client(), (table = await local.table('JOBS_TABLE')), clock),
  storedItems: () => local.items(table),
});
