import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HttpBusinessData } from './business-api/http-business-data';
import type { BusinessData } from './business-api/port';
import { config } from './config';
import { createDocumentClient } from './dynamo/client';
import { BedrockLanguageModel, createBedrockClient } from './llm/bedrock-language-model';
import type { LanguageModel } from './llm/port';
import { logger, metrics } from './observability';
import { once } from './once';
import { CachingPromptStore } from './prompts/caching-prompt-store';
import { FilePromptStore } from './prompts/file-prompt-store';
import { S3PromptStore } from './prompts/s3-prompt-store';
import type { PromptStore } from './prompts/template';
import { DynamoUsageMeter, type UsageMeter } from './usage/meter';


/** The DynamoDB document client (dynalite when DYNAMODB_ENDPOINT is set). */
export const documentClient = once((): DynamoDBDocumentClient => createDocumentClient(config()));

/** The prompt store: the S3 bucket when PROMPTS_BUCKET is set, else the prompts folder; cached with a TTL. */
export const promptStore = once((): PromptStore => {
  const cfg = config();
  const source = cfg.PROMPTS_BUCKET
    ? new S3PromptStore(
        new S3Client({
          region: cfg.AWS_REGION,
          ...(cfg.S3_ENDPOINT
            ? {
                endpoint: cfg.S3_ENDPOINT,
                forcePathStyle: true,
                credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
                requestChecksumCalculation: 'WHEN_REQUIRED' as const,
                responseChecksumValidation: 'WHEN_REQUIRED' as const,
              }
            : {}),
        }),
        cfg.PROMPTS_BUCKET,
        logger,
      )
    : new FilePromptStore(cfg.PROMPTS_DIR, logger);
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

/** Claude on Bedrock through the Converse API. */
export const languageModel = once((): LanguageModel => {
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

/** Token usage and cost events in the usage table. */
export const usageMeter = once((): UsageMeter => {
  const cfg = config();
  return new DynamoUsageMeter(documentClient(), cfg.USAGE_TABLE, cfg.USAGE_TTL_DAYS);
});
