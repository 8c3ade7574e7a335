import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startFakeBedrock, type FakeBedrock } from '../../local/fake-bedrock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { goodAnswer } from './model-answers';

/** A parsed HTTP response. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

/** Options of one request. */
export interface CallOptions {
  readonly token?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** The local runtime started for a test file, plus helpers to call it and reach its table. */
export interface TestApi {
  readonly stack: LocalStack;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  token(tenantId: string, userId?: string): Promise<string>;
  /** A token of the admin group. */
  adminToken(tenantId?: string): Promise<string>;
  /** Deletes every insights-table item of a tenant, so tests start clean. */
  clearTenant(tenantId: string): Promise<void>;
  /** Moves the tenant's current set's expiry into the past, as if 24 h had gone by. */
  expireCurrentSet(tenantId: string): Promise<void>;
  readonly db: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** Starts the local runtime (dynalite, demo business API, handlers behind the JWT-verifying server) for tests. */
export const startTestApi = async (env: Record<string, string> = {}): Promise<TestApi> => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'coaching-test-')), 'key.json');
  const stack = await startLocalStack({
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', INSIGHTS_LEASE_POLL_MS: '20', ...env },
    keyFile,
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const table = stack.env.INSIGHTS_TABLE ?? 'coaching-insights';

  return {
    stack,
    db,
    call: async (method, path, options = {}) => {
      const response = await fetch(`${stack.url}${path}`, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    token: (tenantId, userId = 'user-1') => stack.mintToken({ tenantId, userId }),
    adminToken: (tenantId = 'platform') => stack.mintToken({ tenantId, userId: 'admin-1', admin: true }),
    clearTenant: async (tenantId) => {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}` },
        }),
      );
      for (const item of Items) {
        await db.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
      }
    },
    expireCurrentSet: async (tenantId) => {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `TENANT#${tenantId}`, sk: 'INSIGHTS#CURRENT' },
          UpdateExpression: 'SET expiresAt = :past, expiresAtIso = :pastIso',
          ExpressionAttributeValues: {
            ':past': Math.floor(Date.now() / 1000) - 60,
            ':pastIso': new Date(Date.now() - 60_000).toISOString(),
          },
        }),
      );
    },
    close: async () => {
      db.destroy();
      await stack.close();
    },
  };
};

/** The local runtime on the Bedrock provider, pointed at a fake Bedrock. */
export interface ModelTestApi extends TestApi {
  readonly bedrock: FakeBedrock;
}

/** Starts a fake Bedrock (answering a good insights answer unless told otherwise) and the runtime that calls it. */
export const startTestApiWithModel = async (env: Record<string, string> = {}): Promise<ModelTestApi> => {
  const bedrock = await startFakeBedrock();
  bedrock.setDefault(() => ({ toolInput: goodAnswer() }));
  const api = await startTestApi({ LLM_PROVIDER: 'bedrock', BEDROCK_ENDPOINT: bedrock.endpoint, ...env });
  return {
    ...api,
    bedrock,
    close: async () => {
      await api.close();
      await bedrock.close();
    },
  };
};
