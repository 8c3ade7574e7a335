import { DynamoTenantRegistry, InMemoryTenantRegistry } from '../../../functions/batch/store';
import { useDynalite } from '../../support/contracts/dynalite';
import { tenantRegistryContract } from '../../support/contracts/tenant-registry';

const local = useDynalite();
let table: string;

tenantRegistryContract('InMemoryTenantRegistry', {
  create: async (activeDays, clock) => new InMemoryTenantRegistry(activeDays, clock),
});

tenantRegistryContract('DynamoTenantRegistry on dynalite', {
  create: async (activeDays, clock) =>
    new DynamoTenantRegistry(local.client(), (table = await local.table('BATCH_TABLE')), activeDays, clock),
  storedItems: () => local.items(table),
});
