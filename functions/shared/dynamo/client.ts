import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';

/** The DynamoDB client; DYNAMODB_ENDPOINT points it at dynalite locally. */
export const createDynamoClient = (cfg: Pick<Config, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>): DynamoDBClient =>
  new DynamoDBClient({
    region: cfg.AWS_REGION,
    ...(cfg.DYNAMODB_ENDPOINT
      ? { endpoint: cfg.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });

/** The document client over a DynamoDB client (undefined values dropped, classes never marshalled as maps). */
export const documentClientOver = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

/** Builds the document client (on a client of its own); DYNAMODB_ENDPOINT points it at dynalite locally. */
export const createDocumentClient = (cfg: Pick<Config, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>): DynamoDBDocumentClient =>
  documentClientOver(createDynamoClient(cfg));
