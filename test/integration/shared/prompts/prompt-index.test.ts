import { DynamoPromptIndex, InMemoryPromptIndex } from '../../../../functions/shared/prompts/prompt-index';
import { useDynalite } from '../../../support/contracts/dynalite';
import { promptIndexContract } from '../../../support/contracts/prompt-index';

const local = useDynalite();
let table: string;

promptIndexContract('InMemoryPromptIndex', { create: async () => new InMemoryPromptIndex() });

promptIndexContract('DynamoPromptIndex on dynalite', {
  create: async () => new DynamoPromptIndex(local.client(), (table = await local.table('PROMPT_INDEX_TABLE'))),
  storedItems: () => local.items(table),
});
