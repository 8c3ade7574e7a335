/**
 * The floor the request-path figures of the bench are a ratio to, measured in the same run: the p99 of one GetItem on
 * dynalite through the document client (the unit of cost of a request path). The cold-start floor (require of the
 * DynamoDB client and document client) is paired with each bundle's load in section 10.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { printTable } from '../local/print-table';
import { distribution, ms, printHeading, sample } from './support';

/** A floor: its name as the figures print it, and its value in milliseconds. */
export interface Floor {
  readonly name: string;
  readonly value: number;
}

const GET_RUNS = 1000;
const GET_WARMUP = 100;

/** The p99 of one consistent GetItem of a small item on dynalite through the document client. */
export const measureRequestFloor = async (client: DynamoDBDocumentClient, tableName: string): Promise<Floor> => {
  const Key = { pk: 'BENCH#FLOOR', sk: 'ITEM' };
  await client.send(new PutCommand({ TableName: tableName, Item: { ...Key, value: 'floor' } }));
  const gets = distribution(
    await sample(
      GET_RUNS,
      () => client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true })),
      GET_WARMUP,
    ),
  );
  printHeading('0. Floors (measured in this run; every figure below is a ratio to one of them)');
  printTable(
    ['floor', 'runs', 'p50', 'p95', 'p99', 'max'],
    [
      [
        'GetItem on dynalite (document client)',
        String(gets.runs),
        ms(gets.p50),
        ms(gets.p95),
        ms(gets.p99),
        ms(gets.max),
      ],
    ],
  );
  return { name: 'GetItem p99', value: gets.p99 };
};
