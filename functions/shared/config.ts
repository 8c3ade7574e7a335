import { z } from 'zod';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const boolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/** USD prices per 1K tokens, by model id (inference profile prefixes are ignored when looking up). */
const modelPriceSchema = z.object({
  inputPer1k: z.number().nonnegative(),
  outputPer1k: z.number().nonnegative(),
  cacheReadPer1k: z.number().nonnegative().default(0),
  cacheWritePer1k: z.number().nonnegative().default(0),
});

const DEFAULT_MODEL_PRICES = {
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    inputPer1k: 0.003,
    outputPer1k: 0.015,
    cacheReadPer1k: 0.0003,
    cacheWritePer1k: 0.00375,
  },
  'anthropic.claude-haiku-4-5-20251001-v1:0': {
    inputPer1k: 0.001,
    outputPer1k: 0.005,
    cacheReadPer1k: 0.0001,
    cacheWritePer1k: 0.00125,
  },
};

/** Every environment variable the functions and the local runtime read, with defaults. */
export const configSchema = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().default('coaching-service'),
  SERVICE_VERSION: z.string().default('0.1.0'),
  /** Unset: the SDK's own region chain (AWS_REGION, profile) decides. Lambda always sets it. */
  AWS_REGION: z.string().min(1).optional(),

  INSIGHTS_TABLE: z.string().min(1).default('coaching-insights'),
  USAGE_TABLE: z.string().min(1).default('coaching-usage'),
  PROMPT_INDEX_TABLE: z.string().min(1).default('coaching-prompt-index'),
  CONVERSATIONS_TABLE: z.string().min(1).default('coaching-conversations'),
  BATCH_TABLE: z.string().min(1).default('coaching-batch'),
  /** The queue of tenant work of the nightly run (SQS URL). */
  BATCH_QUEUE_URL: z.url().optional(),
  /** Tenants the API has not seen for this many days leave the registry (TTL); admin-added ones stay. */
  REGISTRY_ACTIVE_DAYS: z.coerce.number().int().min(1).default(30),
  /** How often a throttled tenant is put back for later before it counts as failed. */
  BATCH_MAX_THROTTLE_RETRIES: z.coerce.number().int().min(0).max(50).default(8),
  /** A set generated this many hours before a run counts as fresh for it (not generated again). */
  BATCH_FRESH_HOURS: z.coerce.number().min(0).max(24).default(6),
  /** Secrets Manager secret with { tokenUrl, clientId, clientSecret, scope? } for the .NET APIs (client credentials). */
  BUSINESS_API_CLIENT_SECRET_ID: z.string().min(1).optional(),
  /** Local runs without a secret: the bearer token the batch sends to the (demo) business API. */
  BATCH_DEV_TOKEN: z.string().min(1).default('dev-service-token'),
  DYNAMODB_ENDPOINT: z.url().optional(),

  PROMPTS_BUCKET: z.string().min(1).optional(),
  PROMPTS_DIR: z.string().min(1).default('prompts'),
  S3_ENDPOINT: z.url().optional(),
  PROMPT_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  PROMPT_MAX_BYTES: z.coerce.number().int().min(1024).max(400_000).default(100_000),

  ACCOUNT_API_URL: z.url().optional(),
  TRACTION_API_URL: z.url().optional(),
  BUSINESS_API_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(3000),
  TENANT_HEADER: z.string().min(1).default('X-Tenant-Id'),

  LLM_PROVIDER: z.enum(['rules', 'bedrock']).default('rules'),
  BEDROCK_ENDPOINT: z.url().optional(),
  BEDROCK_MODEL_ID: z.string().min(1).default('us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
  BEDROCK_ALLOWED_MODELS: csv.optional(),
  BEDROCK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  /** A fixed delay between Bedrock retries instead of exponential backoff with jitter; for local fakes only. */
  BEDROCK_RETRY_DELAY_MS: z.coerce.number().int().min(0).max(10000).optional(),
  DEFAULT_TEMPERATURE: z.coerce.number().min(0).max(1).default(0.3),
  DEFAULT_MAX_TOKENS: z.coerce.number().int().min(256).max(64000).default(4096),
  MODEL_PRICES_JSON: z
    .string()
    .optional()
    .transform((json, ctx) => {
      if (!json) return DEFAULT_MODEL_PRICES;
      try {
        return z.record(z.string(), modelPriceSchema).parse(JSON.parse(json));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON: { "<modelId>": { inputPer1k, outputPer1k } }' });
        return z.NEVER;
      }
    }),

  INSIGHTS_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  INSIGHTS_REFRESH_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(300),
  INSIGHTS_DISMISS_SUPPRESSION_DAYS: z.coerce.number().int().min(0).default(30),
  INSIGHTS_LEASE_SECONDS: z.coerce.number().int().min(1).max(120).default(25),
  INSIGHTS_LEASE_POLL_MS: z.coerce.number().int().min(5).max(5000).default(150),
  USAGE_TTL_DAYS: z.coerce.number().int().min(1).default(400),
  CONVERSATION_IDLE_DAYS: z.coerce.number().int().min(1).default(30),
  CONVERSATION_OUTCOME_RETENTION_DAYS: z.coerce.number().int().min(1).default(730),
  /** Messages kept verbatim in the model's context; older ones are folded into the running summary. */
  CONVERSATION_RECENT_MESSAGES: z.coerce.number().int().min(2).max(50).default(8),
  /** Token budget of the verbatim history; past it, the oldest messages are folded into the summary. */
  CONVERSATION_HISTORY_TOKEN_BUDGET: z.coerce.number().int().min(200).default(2500),
  /** EventBridge bus for human hand-off events; unset: hand-offs are only logged. */
  HANDOFF_EVENT_BUS: z.string().min(1).optional(),
  USAGE_MONTHLY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(5_000_000),
  USAGE_MONTHLY_COST_BUDGET_USD: z.coerce.number().min(0).default(100),
  USAGE_USER_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** How long a function keeps a tenant's limits in memory; a limits change takes effect within this time. */
  USAGE_LIMITS_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Share of a budget at which responses carry a warning header (logged once per tenant and month). */
  USAGE_WARNING_THRESHOLD: z.coerce.number().gt(0).max(1).default(0.8),
  /** How long a model that throttled is skipped (in-process). */
  MODEL_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),

  /** Issuer, audience and key set the streaming functions verify tokens against (API Gateway does it for the rest). */
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: csv.optional(),
  JWKS_URL: z.url().optional(),
  JWT_TENANT_CLAIM: z.string().min(1).default('tenant_id'),
  JWT_USER_CLAIM: z.string().min(1).default('sub'),
  JWT_GROUPS_CLAIM: z.string().min(1).default('cognito:groups'),
  JWT_ADMIN_GROUP: z.string().min(1).default('admin'),

  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  POWERTOOLS_METRICS_NAMESPACE: z.string().default('CoachingService'),
  LOCAL_RUNTIME: boolean.default(false),
});

/** The parsed, typed configuration. */
export type Config = z.infer<typeof configSchema>;
/** Model price entry (USD per 1K tokens). */
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Raised at cold start when the environment is invalid; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment into a Config, failing fast with every problem named. */
export const parseConfig = (env: NodeJS.ProcessEnv): Config => {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
};

let cached: Config | undefined;

/** The process-wide configuration, parsed once from process.env on first use. */
export const config = (): Config => {
  cached ??= parseConfig(process.env);
  return cached;
};
