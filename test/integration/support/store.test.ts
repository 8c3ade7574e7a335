import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../../functions/shared/dynamo/client';
import { DynamoTicketStore, MemoryTicketStore } from '../../../functions/support/store';
import { ticketsTable } from '../../../functions/support/tables';
import { startDynalite, type LocalDynamo } from '../../../local/dynamo';
import { ticketStoreContract } from '../../support/contracts/ticket-store';

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

/** A fresh tickets table on dynalite, created from its definition (keys and the queue index). */
const freshTable = async (): Promise<string> => {
  tables += 1;
  const name = `tickets-${tables}`;
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const [queue] = ticketsTable.indexes;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', queue.partitionKey, queue.sortKey].map((attribute) => ({
        AttributeName: attribute,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: queue.name,
          KeySchema: [
            { AttributeName: queue.partitionKey, KeyType: 'HASH' },
            { AttributeName: queue.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  client.destroy();
  return name;
};

ticketStoreContract('MemoryTicketStore', async () => new MemoryTicketStore());
ticketStoreContract('DynamoTicketStore on dynalite', async () => {
  const client = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint });
  return new DynamoTicketStore(client, await freshTable());
});
