import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HttpBusinessData } from './business-api/http-business-data';
import type { BusinessData } from './business-api/port';
import { config } from './config';
import { createDocumentClient } from './dynamo/client';
import type { LanguageModel } from './llm/port';
import { logger, metrics } from './observability';
import { once, onceAsync } from './once';
import { CachingPromptStore } from './prompts/caching-prompt-store';
import { FilePromptStore } from './prompts/file-prompt-store';
import type { PromptStore } from './prompts/template';
import { DynamoUsageMeter, type UsageMeter } from './usage/meter';


/** The DynamoDB document client (dynalite when DYNAMODB_ENDPOINT is set). */
export const documentClient = once((): DynamoDBDocumentClient => createDocumentClient(config()));

/**
 * The prompt store: the S3 bucket when PROMPTS_BUCKET is set (its SDK loaded on first use, so routes that never
 * read prompts skip it), else the prompts folder; cached in memory with a TTL.
 */
export const promptStore = once((): PromptStore => {
  const cfg = config();
  const bucket = cfg.PROMPTS_BUCKET;
  let source: PromptStore = new FilePromptStore(cfg.PROMPTS_DIR, logger);
  if (bucket) {
    const s3Store = onceAsync(async (): Promise<PromptStore> => {
      const { createS3PromptStore } = await import('./prompts/s3-prompt-store');
      return createS3PromptStore(cfg, bucket, logger);
    });
    source = { active: async (topic) => (await s3Store()).active(topic) };
  }
  return new CachingPromptStore(source, cfg.PROMPT_CACHE_TTL_SECONDS * 1000, logger);
});

/** The .NET Account and Traction APIs. */
export const businessData = once((): BusinessData => {
  const cfg = config();
  return new HttpBusinessData({
    accountApiUrl: cfg.ACCOUNT_API_URL,
    tractionApiUrl: cfg.TRACTION_API_URL,
    timeoutMs: cfg.BUSINESS_API_TIMEOUT_MS,
    tenantHeader: cfg.TENANT_HEADER,
    metrics,
  });
});

/** The Bedrock client and adapter, loaded on the first model call (cold starts of other routes skip the SDK). */
const bedrockLanguageModel = onceAsync(async (): Promise<LanguageModel> => {
  const { BedrockLanguageModel, createBedrockClient } = await import('./llm/bedrock-language-model');
  const cfg = config();
  return new BedrockLanguageModel(
    createBedrockClient({
      region: cfg.AWS_REGION,
      endpoint: cfg.BEDROCK_ENDPOINT,
      maxAttempts: cfg.BEDROCK_MAX_ATTEMPTS,
      retryDelayMs: cfg.BEDROCK_RETRY_DELAY_MS,
    }),
  );
});

/** Claude on Bedrock through the Converse API. */
export const languageModel = (): LanguageModel => ({
  generateStructured: async (request) => (await bedrockLanguageModel()).generateStructured(request),
});

/** Token usage and cost events in the usage table. */
export const usageMeter = once((): UsageMeter => {
  const cfg = config();
  return new DynamoUsageMeter(documentClient(), cfg.USAGE_TABLE, cfg.USAGE_TTL_DAYS);
});
