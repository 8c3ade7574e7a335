import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BusinessData, ServiceTokenProvider } from './business-api/port';
import { DynamoSourceHealth, HealthRecordingBusinessData, type SourceHealthStore } from './business-api/health';
import { ClientCredentialsTokenProvider, StaticTokenProvider } from './business-api/service-token';
import { config, ConfigError, effectivePrices } from './config';
import { createDynamoClient, documentClientOver } from './dynamo/client';
import { type LanguageModel } from './llm/port';
import { logger, metrics } from './observability';
import { traceAwsClient, tracing } from './tracing';
import { lazyPort, once, onceAsync } from './once';
import type { PromptIndex } from './prompts/prompt-index';
import type { PromptStore } from './prompts/template';
import type { TemplateContent } from './prompts/template-content';
import type { TemplateLimits } from './prompts/validate';
import { ModelGateway, type GatewaySettings, type UsageMetrics } from './usage/gateway';
import type { TenantLimits, UsageLedger } from './usage/ledger';
import { ModelCooldowns } from './usage/routing';
import { ModelNotConfiguredError } from './errors';
import { inProcessQueue } from './jobs/in-process';
import type { Queue } from './jobs/queue';
import { DynamoJobStore, type JobStore } from './jobs/store';
import { DynamoMetricHistory, type MetricHistoryStore } from './metrics/store';
import type { WorkerDefinition } from './jobs/worker-definition';

/** The DynamoDB client (dynalite when DYNAMODB_ENDPOINT is set; traced in Lambda), for the few that need it raw. */
export const dynamoClient = /* @__PURE__ */ once((): DynamoDBClient => traceAwsClient(createDynamoClient(config())));

/** The DynamoDB document client, on the same client. */
export const documentClient = /* @__PURE__ */ once((): DynamoDBDocumentClient => documentClientOver(dynamoClient()));

/** The limits every template is validated against (size, allowed models, the catalogue's capabilities). */
export const templateLimits = /* @__PURE__ */ once((): TemplateLimits => {
  const cfg = config();
  return {
    maxBytes: cfg.PROMPT_MAX_BYTES,
    allowedModels: cfg.BEDROCK_ALLOWED_MODELS,
    catalogue: cfg.MODEL_CATALOGUE_JSON,
  };
});

/** The prompt registry's index (versions, statuses, labels); its item schemas load with its first read. */
export const promptIndex = /* @__PURE__ */ once((): PromptIndex =>
  lazyPort<PromptIndex>(async () => {
    const { DynamoPromptIndex } = await import('./prompts/prompt-index');
    return new DynamoPromptIndex(documentClient(), config().PROMPT_INDEX_TABLE);
  }),
);

/**
 * The prompts bucket's template bodies. The S3 SDK is loaded, and PROMPTS_BUCKET required, on first use: routes that
 * only move labels in the index (and are granted no bucket) load and run without it.
 */
export const templateContent = /* @__PURE__ */ once((): TemplateContent => {
  const cfg = config();
  const load = onceAsync(async (): Promise<TemplateContent> => {
    const bucket = cfg.PROMPTS_BUCKET;
    if (!bucket) throw new ConfigError('PROMPTS_BUCKET is not set');
    const { S3TemplateContent, createS3Client } = await import('./prompts/s3-template-content');
    return new S3TemplateContent(traceAwsClient(createS3Client(cfg)), bucket);
  });
  return {
    read: async (topic, version, objectVersion) => (await load()).read(topic, version, objectVersion),
    write: async (topic, version, body) => (await load()).write(topic, version, body),
  };
});

/**
 * The runtime prompt store: the registry (label in the index, content in the bucket, cached with
 * stale-while-revalidate, falling back to the copy of prompts/ bundled with the function) when PROMPTS_BUCKET is set,
 * else the bundled folder. The stores and the template schemas and validation load with the first template a request
 * needs, not at cold start.
 */
export const promptStore = /* @__PURE__ */ once((): PromptStore =>
  lazyPort<PromptStore>(async () => {
    const cfg = config();
    const [{ FilePromptStore }, { RegistryPromptStore }] = await Promise.all([
      import('./prompts/file-prompt-store'),
      import('./prompts/registry-prompt-store'),
    ]);
    const bundled = new FilePromptStore(cfg.PROMPTS_DIR, templateLimits(), logger);
    if (!cfg.PROMPTS_BUCKET) return bundled;
    return new RegistryPromptStore({
      index: promptIndex(),
      content: templateContent(),
      limits: templateLimits(),
      bundled,
      ttlMs: cfg.PROMPT_CACHE_TTL_SECONDS * 1000,
      log: logger,
    });
  }),
);

/** How each .NET source last answered for each tenant (the source health table). */
export const sourceHealth = /* @__PURE__ */ once(
  (): SourceHealthStore => new DynamoSourceHealth(documentClient(), config().SOURCE_HEALTH_TABLE),
);

/**
 * The .NET Account and Traction APIs, each snapshot's source outcomes recorded in the source health table; the client
 * and its tolerant schemas load on the first read (not on a cache hit).
 */
export const businessData = /* @__PURE__ */ once((): BusinessData =>
  lazyPort(async () => {
    const cfg = config();
    const { HttpBusinessData } = await import('./business-api/http-business-data');
    const http = new HttpBusinessData({
      accountApiUrl: cfg.ACCOUNT_API_URL,
      tractionApiUrl: cfg.TRACTION_API_URL,
      timeoutMs: cfg.BUSINESS_API_TIMEOUT_MS,
      tenantHeader: cfg.TENANT_HEADER,
      metrics,
      tracing: tracing(),
    });
    return new HealthRecordingBusinessData(http, sourceHealth());
  }),
);

/** The Bedrock client and adapter, loaded on the first model call (cold starts of other routes skip the SDK). */
const bedrockLanguageModel = /* @__PURE__ */ onceAsync(async (): Promise<LanguageModel> => {
  const { BedrockLanguageModel, createBedrockClient } = await import('./llm/bedrock-language-model');
  const cfg = config();
  return new BedrockLanguageModel(
    traceAwsClient(
      createBedrockClient({
        region: cfg.AWS_REGION,
        endpoint: cfg.BEDROCK_ENDPOINT,
        maxAttempts: cfg.BEDROCK_MAX_ATTEMPTS,
        retryDelayMs: cfg.BEDROCK_RETRY_DELAY_MS,
        requestTimeoutMs: cfg.BEDROCK_REQUEST_TIMEOUT_MS,
      }),
    ),
    tracing(),
    cfg.MODEL_CATALOGUE_JSON,
  );
});

/**
 * Where no model is configured (LLM_PROVIDER=rules): a model call, which only a request without an offline path
 * makes, fails at once saying so.
 */
const noModel: LanguageModel = {
  generateStructured: async () => {
    throw new ModelNotConfiguredError(
      'This request needs a language model and none is configured here (LLM_PROVIDER=rules); set LLM_PROVIDER=bedrock to use one',
    );
  },
};

/** Claude on Bedrock through the Converse API (or no model at all under the rules provider). */
export const languageModel = (): LanguageModel =>
  config().LLM_PROVIDER === 'rules'
    ? noModel
    : {
        generateStructured: async (request) => (await bedrockLanguageModel()).generateStructured(request),
        streamStructured: async (request, onDelta) => {
          const model = await bedrockLanguageModel();
          return model.streamStructured ? model.streamStructured(request, onDelta) : model.generateStructured(request);
        },
      };

/** Usage events, rollups, reservations and limits in the usage table. */
export const usageLedger = /* @__PURE__ */ once((): UsageLedger =>
  lazyPort<UsageLedger>(async () => {
    const { DynamoUsageLedger } = await import('./usage/dynamo-usage-ledger');
    return new DynamoUsageLedger(documentClient(), config().USAGE_TABLE);
  }),
);

/** Metrics per request type: Powertools single metrics with a `requestType` dimension. */
const usageMetrics: UsageMetrics = (requestType, name, unit, value) => {
  const metric = metrics.singleMetric();
  metric.addDimension('requestType', requestType);
  metric.addMetric(name, unit, value);
};

/** The limits of a tenant without an override (from config). */
export const defaultLimits = (): TenantLimits => {
  const cfg = config();
  return {
    monthlyTokenBudget: cfg.USAGE_MONTHLY_TOKEN_BUDGET,
    monthlyCostBudgetUsd: cfg.USAGE_MONTHLY_COST_BUDGET_USD,
    userRequestsPerMinute: cfg.USAGE_USER_REQUESTS_PER_MINUTE,
  };
};

/** The gateway's settings from config: model defaults, default limits, prices, retention, warning. */
export const gatewaySettings = (): GatewaySettings => {
  const cfg = config();
  return {
    defaultModelId: cfg.BEDROCK_MODEL_ID,
    defaultTemperature: cfg.DEFAULT_TEMPERATURE,
    defaultMaxTokens: cfg.DEFAULT_MAX_TOKENS,
    defaultLimits: defaultLimits(),
    prices: effectivePrices(cfg),
    catalogue: cfg.MODEL_CATALOGUE_JSON,
    retentionDays: cfg.USAGE_TTL_DAYS,
    warningThreshold: cfg.USAGE_WARNING_THRESHOLD,
  };
};

/** The one way to call a model: limits, routing, fallback models and metering (see ModelGateway). */
export const modelGateway = /* @__PURE__ */ once(
  (): ModelGateway =>
    new ModelGateway({
      model: languageModel(),
      ledger: usageLedger(),
      cooldowns: new ModelCooldowns(config().MODEL_COOLDOWN_SECONDS * 1000),
      metrics: usageMetrics,
      clock: () => new Date(),
      settings: gatewaySettings(),
    }),
);

/**
 * The service's own bearer token for the .NET APIs, for work no user's token can be kept for (queued jobs, the nightly
 * run, a platform admin's preview): client credentials from Secrets Manager (Powertools Parameters, cached 5 min, the
 * token until shortly before it expires), or a fixed dev token locally.
 */
export const serviceTokens = /* @__PURE__ */ once((): ServiceTokenProvider => {
  const cfg = config();
  const secretId = cfg.BUSINESS_API_CLIENT_SECRET_ID;
  if (!secretId) return new StaticTokenProvider(cfg.BUSINESS_API_DEV_TOKEN);
  return new ClientCredentialsTokenProvider(async () => {
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    return getSecret(secretId, { transform: 'json', maxAge: 300 });
  });
});

/** An SQS queue of JSON messages; the SQS SDK is loaded with the first send. */
export const sqsQueue = <M>(url: string): Queue<M> =>
  lazyPort<Queue<M>>(async () => {
    const [{ SQSClient }, { SqsQueue }] = await Promise.all([
      import('@aws-sdk/client-sqs'),
      import('./jobs/sqs-queue'),
    ]);
    return new SqsQueue<M>(traceAwsClient(new SQSClient({ region: config().AWS_REGION })), url);
  });

/**
 * A worker's queue: SQS at `url` (the stack passes it in the worker's env var to the functions granted to send),
 * else, outside Lambda, the in-process queue the local runtime serves to the same worker. In Lambda a function that
 * was not granted the queue fails its sends with a configuration error (and may run everything else).
 */
export const workerQueue = <M>(worker: WorkerDefinition, url: string | undefined): Queue<M> => {
  if (url) return sqsQueue<M>(url);
  if (!config().AWS_LAMBDA_FUNCTION_NAME) return inProcessQueue<M>(worker.id);
  return {
    send: () => Promise.reject(new ConfigError(`${worker.queueEnvVar} is not set: this function may not queue jobs`)),
  };
};

/** Generation jobs and their per-tenant slots in the jobs table. */
export const jobStore = /* @__PURE__ */ once((): JobStore => new DynamoJobStore(documentClient(), config().JOBS_TABLE));

/** The tenants' daily metric history. */
export const metricHistory = /* @__PURE__ */ once(
  (): MetricHistoryStore => new DynamoMetricHistory(documentClient(), config().METRIC_HISTORY_TABLE),
);
