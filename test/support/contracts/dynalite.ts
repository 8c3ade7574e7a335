import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../functions/shared/dynamo/client';
import { createTables, startDynalite, type LocalDynamo } from '../../../local/dynamo';

type Item = Record<string, unknown>;

/**
 * Hand edits of an adapter's stored items, as someone with console access (or a bug) could make them. Items are
 * selected by their attributes, so a contract case needs no knowledge of the adapter's key layout.
 */
export interface StoredItems {
  /** Replaces every stored item `match` selects with `change(item)`; returns how many it replaced. */
  edit(match: (item: Item) => boolean, change: (item: Item) => Item): Promise<number>;
}

/** The dynalite of one test file, with a fresh table per contract case. */
export interface LocalTables {
  readonly client: () => DynamoDBDocumentClient;
  /** Creates an empty table of the capability table whose name `envVar` carries; returns its name. */
  table(envVar: string): Promise<string>;
  /** Hand edits of a table's items. */
  items(tableName: string): StoredItems;
}

/** Starts dynalite before the file's tests (createTables, as the local runtime does) and stops it after them. */
export const useDynalite = (): LocalTables => {
  let dynamo: LocalDynamo;
  let client: DynamoDBDocumentClient;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startDynalite();
    client = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });
  return {
    client: () => client,
    table: async (envVar) => {
      tables += 1;
      const name = `contract-${tables}`;
      // Every other declared table gets one shared name: created once, then left alone.
      await createTables(dynamo.endpoint, (each) => (each === envVar ? name : `unused-${each}`));
      return name;
    },
    items: (tableName) => ({
      edit: async (match, change) => {
        const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
        const selected = Items.filter(match);
        for (const item of selected) await client.send(new PutCommand({ TableName: tableName, Item: change(item) }));
        return selected.length;
      },
    }),
  };
};
