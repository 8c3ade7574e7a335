import { DynamoConversationStats, InMemoryConversationStats } from '../../../functions/conversations/stats';
import { useDynalite } from '../../support/contracts/dynalite';
import { conversationStatsContract } from '../../support/contracts/conversation-stats';

const local = useDynalite();
let table: string;

conversationStatsContract('InMemoryConversationStats', {
  create: async (clock) => new InMemoryConversationStats(clock),
});

conversationStatsContract('DynamoConversationStats on dynalite', {
  create: async (clock) =>
    new DynamoConversationStats(local.client(), (table = await local.table('CONVERSATIONS_TABLE')), clock),
  storedItems: () => local.items(table),
});
