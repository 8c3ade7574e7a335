import { DynamoNudgeStore, InMemoryNudgeStore } from '../../../functions/nudges/store';
import { useDynalite } from '../../support/contracts/dynalite';
import { nudgeStoreContract } from '../../support/contracts/nudge-store';

const local = useDynalite();

nudgeStoreContract('InMemoryNudgeStore', async () => new InMemoryNudgeStore());
nudgeStoreContract(
  'DynamoNudgeStore on dynalite',
  async () => new DynamoNudgeStore(local.client(), await local.table('NUDGES_TABLE')),
);
