import { DEFAULT_TIME_ZONE, isTimeZone } from './calendar';
import { defaultTableName, type TableDefinition } from './dynamo/tables';
import { once } from './once';
import { promptIndexTable } from './prompts/tables';
import { jobsTable } from './jobs/tables';
import { metricHistoryTable } from './metrics/tables';
import { sourceHealthTable } from './business-api/tables';
import { usageTable } from './usage/tables';
import { MAX_MONTHLY_COST_BUDGET_USD, MAX_MONTHLY_TOKEN_BUDGET, MAX_USER_REQUESTS_PER_MINUTE } from './usage/ledger';
import { DEFAULT_MODEL_CATALOGUE, modelCatalogueSchema, modelPriceSchema, pricesOf } from './llm/models';
import * as z from './zod';

/** A comma-separated list in one variable: its items, trimmed, empty ones dropped. */
export const csv = z.pipe(
  z.string(),
  z.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

/**
 * The environment entry of a table's name: the table's env var (which the stack's bind helper sets), defaulting to
 * the local table name.
 */
export const tableNameEnv = <T extends TableDefinition>(
  table: T,
): Record<T['envVar'], z.ZodMiniDefault<z.ZodMiniString>> =>
  ({ [table.envVar]: z._default(z.string().check(z.minLength(1)), defaultTableName(table)) }) as Record<
    T['envVar'],
    z.ZodMiniDefault<z.ZodMiniString>
  >;

/**
 * The environment variables of the shared ports (HTTP pipeline, business APIs, prompts, the model gateway and usage
 * metering) with their defaults. Each capability declares its own in its config.ts; all are parsed by `envConfig`.
 */
export const configSchema = z
  .object({
    ...tableNameEnv(usageTable),
    ...tableNameEnv(promptIndexTable),
    ...tableNameEnv(jobsTable),
    ...tableNameEnv(metricHistoryTable),
    ...tableNameEnv(sourceHealthTable),
    /** How long a day of a tenant's metric history is kept (TTL), from the day it was last written. */
    METRIC_HISTORY_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(30), z.maximum(3650)), 400),
    /**
     * The IANA time zone the tenants' calendars are read in ("overdue" = past the due date there, the day a metric
     * snapshot is kept under, the default range of the metric routes). The business API has no per-tenant zone and
     * the nudges' zone is per user, so one deployment-wide zone, UTC unless set.
     */
    INSIGHTS_TIME_ZONE: z._default(
      z.string().check(z.refine((value) => isTimeZone(value), 'must be an IANA time zone such as Europe/Berlin')),
      DEFAULT_TIME_ZONE,
    ),
    /** Set by Lambda: where it is set, a missing queue URL is a configuration error, not a reason for an in-process queue. */
    AWS_LAMBDA_FUNCTION_NAME: z.optional(z.string().check(z.minLength(1))),
    POWERTOOLS_SERVICE_NAME: z._default(z.string(), 'coaching-service'),
    /** Set by the Lambda runtime: where it is unset (locally, in tests) Powertools Tracer traces nothing. */
    AWS_EXECUTION_ENV: z.optional(z.string()),
    /** `false` turns X-Ray tracing off in Lambda (the stack leaves it on: every function has active tracing). */
    POWERTOOLS_TRACE_ENABLED: z._default(z.stringbool(), true),
    SERVICE_VERSION: z._default(z.string(), '0.1.0'),
    /** Unset: the SDK's own region chain (AWS_REGION, profile) decides. Lambda always sets it. */
    AWS_REGION: z.optional(z.string().check(z.minLength(1))),

    DYNAMODB_ENDPOINT: z.optional(z.url()),

    PROMPTS_BUCKET: z.optional(z.string().check(z.minLength(1))),
    PROMPTS_DIR: z._default(z.string().check(z.minLength(1)), 'prompts'),
    S3_ENDPOINT: z.optional(z.url()),
    PROMPT_CACHE_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3600)), 60),
    PROMPT_MAX_BYTES: z._default(z.coerce.number().check(z.int(), z.minimum(1024), z.maximum(400_000)), 100_000),

    ACCOUNT_API_URL: z.optional(z.url()),
    TRACTION_API_URL: z.optional(z.url()),
    BUSINESS_API_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.minimum(50), z.maximum(30000)), 3000),
    TENANT_HEADER: z._default(z.string().check(z.minLength(1)), 'X-Tenant-Id'),
    /** Secrets Manager secret with { tokenUrl, clientId, clientSecret, scope? } for the .NET APIs (client credentials). */
    BUSINESS_API_CLIENT_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
    /** Without a secret (locally): the bearer token jobs send to the (demo) business API on the service's behalf. */
    BUSINESS_API_DEV_TOKEN: z._default(z.string().check(z.minLength(1)), 'dev-service-token'),

    LLM_PROVIDER: z._default(z.enum(['rules', 'bedrock']), 'rules'),
    BEDROCK_ENDPOINT: z.optional(z.url()),
    BEDROCK_MODEL_ID: z._default(z.string().check(z.minLength(1)), 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
    BEDROCK_ALLOWED_MODELS: z.optional(csv),
    BEDROCK_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10)), 4),
    /** A fixed delay between Bedrock retries instead of exponential backoff with jitter; for local fakes only. */
    BEDROCK_RETRY_DELAY_MS: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10000))),
    /**
     * The longest a Bedrock request may wait for its answer, and a stream may stay silent, before it fails as a timeout
     * (each SDK attempt; the caller's deadline ends a call sooner). Connections time out after 3 s at most.
     */
    BEDROCK_REQUEST_TIMEOUT_MS: z._default(
      z.coerce.number().check(z.int(), z.minimum(100), z.maximum(900_000)),
      120_000,
    ),
    /**
     * The Amazon Bedrock Knowledge Base the help-article search queries (Retrieve), which the stack sets with the grant
     * to query it; unset (locally): the embedded Orama index over the bundled articles.
     */
    KNOWLEDGE_BASE_ID: z.optional(z.string().check(z.regex(/^[0-9a-zA-Z]{10}$/))),
    /** The Bedrock Agent Runtime endpoint, for a local stand-in of the Retrieve API; unset: the region's. */
    KNOWLEDGE_BASE_ENDPOINT: z.optional(z.url()),
    DEFAULT_TEMPERATURE: z._default(z.coerce.number().check(z.minimum(0), z.maximum(1)), 0.3),
    DEFAULT_MAX_TOKENS: z._default(z.coerce.number().check(z.int(), z.minimum(256), z.maximum(64000)), 4096),
    /** Catalogue entries (family, capabilities, price) by model id, merged over the built-in catalogue. */
    MODEL_CATALOGUE_JSON: z.pipe(
      z.optional(z.string()),
      z.transform((json, ctx) => {
        if (!json) return DEFAULT_MODEL_CATALOGUE;
        try {
          return { ...DEFAULT_MODEL_CATALOGUE, ...modelCatalogueSchema.parse(JSON.parse(json)) };
        } catch {
          ctx.issues.push({
            code: 'custom',
            message: 'must be JSON: { "<modelId>": { family, capabilities, price } }',
            input: json,
          });
          return z.NEVER;
        }
      }),
    ),
    /** Price overrides by model id, over the catalogue's prices (kept for deployments that set only prices). */
    MODEL_PRICES_JSON: z.pipe(
      z.optional(z.string()),
      z.transform((json, ctx) => {
        if (!json) return {};
        try {
          return z.record(z.string(), modelPriceSchema).parse(JSON.parse(json));
        } catch {
          ctx.issues.push({
            code: 'custom',
            message: 'must be JSON: { "<modelId>": { inputPer1k, outputPer1k } }',
            input: json,
          });
          return z.NEVER;
        }
      }),
    ),

    USAGE_TTL_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 400),
    USAGE_MONTHLY_TOKEN_BUDGET: z._default(
      z.coerce.number().check(z.int(), z.minimum(0), z.maximum(MAX_MONTHLY_TOKEN_BUDGET)),
      5_000_000,
    ),
    USAGE_MONTHLY_COST_BUDGET_USD: z._default(
      z.coerce.number().check(z.minimum(0), z.maximum(MAX_MONTHLY_COST_BUDGET_USD)),
      100,
    ),
    USAGE_USER_REQUESTS_PER_MINUTE: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_USER_REQUESTS_PER_MINUTE)),
      30,
    ),
    /** Share of a budget at which responses carry a warning header (logged once per tenant and month). */
    USAGE_WARNING_THRESHOLD: z._default(z.coerce.number().check(z.gt(0), z.maximum(1)), 0.8),
    /** How long a model that throttled is skipped (in-process). */
    MODEL_COOLDOWN_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3600)), 30),

    /**
     * Secrets Manager secret whose value signs list cursors (the stack generates it and passes it to the functions
     * that page). Unset outside Lambda: a key made at start, so cursors last as long as the process.
     */
    CURSOR_KEY_SECRET_ID: z.optional(z.string().check(z.minLength(1))),

    /**
     * Issuer and audiences the streaming functions verify tokens against (API Gateway does it for the rest); the keys
     * are at the `jwks_uri` of the issuer's OIDC discovery document, or at JWKS_URL when it is set.
     */
    JWT_ISSUER: z.optional(z.string().check(z.minLength(1))),
    JWT_AUDIENCE: z.optional(csv),
    JWKS_URL: z.optional(z.url()),
    JWT_TENANT_CLAIM: z._default(z.string().check(z.minLength(1)), 'tenant_id'),
    JWT_USER_CLAIM: z._default(z.string().check(z.minLength(1)), 'sub'),
    JWT_GROUPS_CLAIM: z._default(z.string().check(z.minLength(1)), 'cognito:groups'),
    /** The group of a tenant's administrators (their own tenant only). */
    JWT_ADMIN_GROUP: z._default(z.string().check(z.minLength(1)), 'admin'),
    /** The group of platform administrators (prompts, other tenants' limits and usage, the nightly batch). */
    JWT_PLATFORM_ADMIN_GROUP: z._default(z.string().check(z.minLength(1)), 'platform-admin'),

    MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.minimum(1024)), 64 * 1024),
    POWERTOOLS_METRICS_NAMESPACE: z._default(z.string(), 'CoachingService'),
  })
  .check(
    // One group for both roles would make every tenant's admin a platform admin again.
    z.refine((cfg) => cfg.JWT_ADMIN_GROUP !== cfg.JWT_PLATFORM_ADMIN_GROUP, {
      path: ['JWT_PLATFORM_ADMIN_GROUP'],
      message: 'must differ from JWT_ADMIN_GROUP (a tenant admin is not a platform admin)',
    }),
  );

/** The parsed, typed configuration of the shared ports. */
export type Config = z.infer<typeof configSchema>;
/** Model price entry (USD per 1K tokens). */
export type { ModelPrice } from './llm/models';

/** The prices in effect: the catalogue's, with `MODEL_PRICES_JSON` entries over them. */
export const effectivePrices = (cfg: Pick<Config, 'MODEL_CATALOGUE_JSON' | 'MODEL_PRICES_JSON'>) => ({
  ...pricesOf(cfg.MODEL_CATALOGUE_JSON),
  ...cfg.MODEL_PRICES_JSON,
});

/** Raised at cold start when the environment is invalid; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment with a schema, failing fast with every problem named. The one place env is read. */
export const parseEnv = <S extends z.core.$ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> => {
  const parsed = z.safeParse(schema, env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
};

/** A configuration parsed once per process from process.env, on first use (at cold start, by the wiring). */
export const envConfig = <S extends z.core.$ZodType>(schema: S): (() => z.output<S>) =>
  once(() => parseEnv(schema, process.env));

/** The shared ports' configuration. */
export const config = envConfig(configSchema);
