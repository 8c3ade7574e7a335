import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../functions/shared/caller';
import { startFakeBedrock, type FakeBedrock } from '../../local/fake-bedrock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { goodAnswer } from '../../local/model-answers';

/** How often, and how many times at most, a test polls a job. */
const JOB_POLL_MS = 25;
const JOB_POLLS = 1_600;

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
  /** The dev key pair the runtime verifies tokens with (for tests that sign unusual tokens themselves). */
  readonly keyFile: string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  /** A token of a user of the tenant, holding `role` (default `user`: no admin group). */
  token(tenantId: string, userId?: string, role?: Role): Promise<string>;
  /** Waits for the queue workers to finish, then deletes the tenant's insights and jobs, so tests start clean. */
  clearTenant(tenantId: string): Promise<void>;
  /** Polls a job until it has finished (done or failed) or was put back to wait for its next delivery. */
  awaitJob(token: string, jobId: string): Promise<ApiResponse>;
  /**
   * Reads `/insights` (a miss starts a job), waits for the job behind the answer, and reads again: `first` is what a
   * user saw at once, `settled` what they see once the job is over.
   */
  settledInsights(token: string, query?: string): Promise<{ first: ApiResponse; settled: ApiResponse }>;
  /** Starts a refresh, waits for its job, and reads `/insights` (the refresh's answer must be 202). */
  refreshedInsights(token: string): Promise<ApiResponse>;
  /** Moves the tenant's current set's expiry into the past, as if 24 h had gone by. */
  expireCurrentSet(tenantId: string): Promise<void>;
  readonly db: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** Starts the local runtime (dynalite, demo business API, handlers behind the JWT-verifying server) for tests. */
export const startTestApi = async (env: Record<string, string> = {}): Promise<TestApi> => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'coaching-test-')), 'key.json');
  const stack = await startLocalStack({
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    keyFile,
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const tenantTables = [stack.env.INSIGHTS_TABLE ?? 'coaching-insights', stack.env.JOBS_TABLE ?? 'coaching-jobs'];
  const table = tenantTables[0];

  const call: TestApi['call'] = async (method, path, options = {}) => {
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
  };
  const awaitJob: TestApi['awaitJob'] = async (token, jobId) => {
    for (let polls = 0; ; polls += 1) {
      const job = await call('GET', `/insight-jobs/${jobId}`, { token });
      const { status, reason } = (job.json ?? {}) as { status?: string; reason?: string };
      const over = status === 'done' || status === 'failed' || (status === 'pending' && reason !== undefined);
      if (job.status !== 200 || over) return job;
      if (polls > JOB_POLLS) throw new Error(`job ${jobId} still ${status} after ${JOB_POLLS * JOB_POLL_MS} ms`);
      await sleep(JOB_POLL_MS);
    }
  };

  return {
    stack,
    keyFile,
    db,
    call,
    awaitJob,
    settledInsights: async (token, query = '') => {
      const first = await call('GET', `/insights${query}`, { token });
      const jobId = (first.json as { generation?: { jobId: string } } | undefined)?.generation?.jobId;
      if (jobId) await awaitJob(token, jobId);
      return { first, settled: await call('GET', `/insights${query}`, { token }) };
    },
    refreshedInsights: async (token) => {
      const refresh = await call('POST', '/insights/refresh', { token });
      if (refresh.status !== 202) throw new Error(`refresh answered ${refresh.status}: ${refresh.text}`);
      await awaitJob(token, (refresh.json as { jobId: string }).jobId);
      return call('GET', '/insights', { token });
    },
    token: (tenantId, userId = 'user-1', role = 'user') => stack.mintToken({ tenantId, userId, role }),
    clearTenant: async (tenantId) => {
      await stack.workersIdle();
      for (const TableName of tenantTables) {
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}` },
          }),
        );
        for (const item of Items) {
          await db.send(new DeleteCommand({ TableName, Key: { pk: item.pk, sk: item.sk } }));
        }
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
