import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConversationStore, InMemoryConversationStore } from '../../../functions/conversations/store';
import { createDocumentClient } from '../../../functions/shared/dynamo/client';
import { createTables, startDynalite, type LocalDynamo } from '../../../local/dynamo';
import { describeConversationStoreContract } from '../../support/contracts/conversation-store';

const TABLE = 'store-contract-CONVERSATIONS_TABLE';
let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.endpoint, (envVar) => `store-contract-${envVar}`);
  client = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint });
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

/** Sets attributes of an item in place, as a hand edit of the table would. */
const setAttributes = (key: { pk: string; sk: string }, attributes: Record<string, unknown>) => {
  const names = Object.keys(attributes);
  return new UpdateCommand({
    TableName: TABLE,
    Key: key,
    UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
    ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:a${i}`, attributes[name]])),
  });
};

describeConversationStoreContract('DynamoConversationStore on dynalite', {
  store: (clock) => new DynamoConversationStore(client, TABLE, clock),
  editItem: async (key, attributes) => {
    await client.send(setAttributes(key, attributes));
  },
});

let twin: InMemoryConversationStore;
describeConversationStoreContract('InMemoryConversationStore', {
  store: (clock) => (twin = new InMemoryConversationStore(clock)),
  editItem: async (key, attributes) => {
    Object.assign(twin.items.get(key.pk)?.get(key.sk) ?? {}, attributes);
  },
});
