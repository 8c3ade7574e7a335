import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import type { JSONWebKeySet } from 'jose';
import { capabilityEnvironments, workers } from '../functions/routes';
import { inProcessQueue } from '../functions/shared/jobs/in-process';
import { configSchema, parseEnv } from '../functions/shared/config';
import { corsConfigSchema } from './cors';
import { CONSOLE_DIST, demoUsers } from './console-host';
import { DEMO_PROFILES, DEMO_USER } from './demo-activity';
import { startDemoBusinessApi, type DemoBusinessApi } from './demo-business-api';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  devTokenNames,
  loadDevKeys,
  mintDevToken,
  type DevKeys,
  type DevTokenClaims,
} from './dev-jwt';
import { removeDevEndpoints, writeDevEndpoints } from './dev-endpoints';
import { createTables, startDynalite, type LocalDynamo } from './dynamo';
import { seedPromptBucket, startPromptBucket, type LocalPromptBucket } from './prompt-bucket';
import { serveQueue, type QueueServer, type SqsHandler } from './queue-workers';
import { startLocalServer, type LocalServer } from './server';

/** Options of the local runtime. */
export interface LocalStackOptions {
  /** Port of the API (0 = any free port). */
  readonly port?: number;
  /** Environment overrides; anything set here or already in process.env replaces the embedded default. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the dev key pair is kept (tests use a temporary file). */
  readonly keyFile?: string;
  /**
   * Where to record the server's URL and stores while it runs, for the prompts CLI and `npm run batch` (npm start
   * writes .local/dev-endpoints.json; removed on close).
   */
  readonly endpointsFile?: string;
  /** Host the web console (console/dist) at `/` with the local demo sign-in. */
  readonly console?: boolean;
}

/** The running local runtime and its embedded parts. */
export interface LocalStack {
  readonly url: string;
  /** The effective environment the handlers run with. */
  readonly env: Readonly<Record<string, string>>;
  /** The demo business API, when it was started (ACCOUNT_API_URL/TRACTION_API_URL unset). */
  readonly demoApi?: DemoBusinessApi;
  /** The embedded prompts bucket (s3rver), when it was started (PROMPTS_BUCKET unset). */
  readonly promptBucket?: LocalPromptBucket;
  /** The DynamoDB endpoint: embedded dynalite unless DYNAMODB_ENDPOINT was set. */
  readonly dynamoEndpoint: string;
  readonly dynamoEmbedded: boolean;
  mintToken(claims: DevTokenClaims): Promise<string>;
  /** Resolves once the queue workers have nothing to do (no job receivable or being worked; delayed ones may wait). */
  workersIdle(): Promise<void>;
  /** The dev identity provider's public keys (also served at /.well-known/jwks.json). */
  readonly jwks: JSONWebKeySet;
  close(): Promise<void>;
}

const REPO_ROOT = join(__dirname, '..');
/** Deliveries each queue worker runs at once locally (at most; its own maximum concurrency when lower). */
export const LOCAL_WORKER_CONCURRENCY = 4;
const LOCAL_PROMPTS_BUCKET = 'coaching-prompts-local';

/** The variables the prompts CLI needs to reach the embedded stores of a running dev server. */
export const CLI_ENDPOINT_VARIABLES = [
  'AWS_REGION',
  'DYNAMODB_ENDPOINT',
  'PROMPT_INDEX_TABLE',
  'PROMPTS_BUCKET',
  'S3_ENDPOINT',
  'BEDROCK_ALLOWED_MODELS',
  'PROMPT_MAX_BYTES',
] as const;

/**
 * Starts the API on embedded defaults: dynalite for DynamoDB, a local prompts bucket (s3rver) seeded from the
 * prompts folder and indexed by the bucket's own upload handler, the demo business API and the rules provider, each
 * replaced by its env var when set. The environment is applied to process.env before any
 * handler loads, so the handlers read their config exactly as they do in Lambda.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const given = { ...process.env, ...options.env };
  const dynamo: LocalDynamo | undefined = given.DYNAMODB_ENDPOINT ? undefined : await startDynalite();
  const demoApi =
    given.ACCOUNT_API_URL || given.TRACTION_API_URL
      ? undefined
      : await startDemoBusinessApi({ tenantHeader: given.TENANT_HEADER });
  // The bucket's upload handler is the Lambda handler the S3 event invokes in AWS; it is loaded once env is set.
  const uploadHandler = async (event: S3Event): Promise<void> =>
    (await import('../functions/prompt-admin/handlers/index-uploaded-template')).handler(event);
  const promptBucket = given.PROMPTS_BUCKET ? undefined : await startPromptBucket(LOCAL_PROMPTS_BUCKET, uploadHandler);

  const env: Record<string, string> = {
    // The SDK needs a region even for loopback endpoints; a region or profile of the user's own wins.
    ...(given.AWS_REGION || given.AWS_DEFAULT_REGION || given.AWS_PROFILE ? {} : { AWS_REGION: 'us-east-1' }),
    PROMPTS_DIR: join(REPO_ROOT, 'prompts'),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...(dynamo ? { DYNAMODB_ENDPOINT: dynamo.endpoint } : {}),
    ...(demoApi ? { ACCOUNT_API_URL: demoApi.url, TRACTION_API_URL: demoApi.url } : {}),
    ...(promptBucket ? { PROMPTS_BUCKET: promptBucket.bucket, S3_ENDPOINT: promptBucket.endpoint } : {}),
    ...(Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Record<string, string>),
  };
  Object.assign(process.env, env);
  // Every capability's environment is checked up front, as each function checks its own at cold start.
  const cfg = parseEnv(configSchema, env);
  const { CORS_ORIGINS: corsOrigins } = parseEnv(corsConfigSchema, env);
  const capabilityConfigs = capabilityEnvironments.map((schema) => parseEnv(schema, env));
  const names = Object.assign({}, cfg, ...capabilityConfigs) as Record<string, unknown>;
  await createTables(cfg.DYNAMODB_ENDPOINT as string, (envVar) => String(names[envVar]), cfg.AWS_REGION);

  if (promptBucket) await seedPromptBucket(promptBucket, env.PROMPTS_DIR as string);

  const keys: DevKeys = await loadDevKeys(options.keyFile);
  // Each declared queue worker serves its in-process queue, as its SQS event source does in AWS (env is in place).
  const queueServers: QueueServer[] = await Promise.all(
    Object.values(workers).map(async (worker) => {
      const { handler } = (await import(join(REPO_ROOT, worker.handler))) as { handler: SqsHandler };
      return serveQueue(inProcessQueue(worker.id), handler, {
        name: worker.id,
        concurrency: Math.min(worker.maxConcurrency, LOCAL_WORKER_CONCURRENCY),
        budgetMs: worker.timeoutSeconds * 1000,
      });
    }),
  );
  const server: LocalServer = await startLocalServer({
    port: options.port ?? 0,
    jwt: { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: { keys: [keys.publicJwk] } },
    corsOrigins,
    console: options.console
      ? {
          dist: CONSOLE_DIST,
          users: demoUsers(Object.keys(DEMO_PROFILES), DEMO_USER),
          mint: (user) => mintDevToken(keys, { ...devTokenNames(cfg), ...user }),
        }
      : undefined,
  });
  const { endpointsFile } = options;
  if (endpointsFile) writeDevEndpoints(endpointsFile, server.url, env);
  return {
    url: server.url,
    env,
    demoApi,
    promptBucket,
    dynamoEndpoint: cfg.DYNAMODB_ENDPOINT as string,
    dynamoEmbedded: dynamo !== undefined,
    jwks: { keys: [keys.publicJwk] },
    mintToken: (claims) => mintDevToken(keys, { ...devTokenNames(cfg), ...claims }),
    workersIdle: async () => {
      await Promise.all(queueServers.map((queueServer) => queueServer.idle()));
    },
    close: async () => {
      if (endpointsFile) removeDevEndpoints(endpointsFile, server.url);
      await server.close();
      await Promise.all(queueServers.map((queueServer) => queueServer.stop()));
      await demoApi?.close();
      await promptBucket?.close();
      await dynamo?.close();
    },
  };
};
