import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { configSchema, parseEnv } from '../functions/shared/config';
import { CoachingStack } from '../lib/coaching-stack';
import { DEFAULT_BATCH_HEADROOM } from '../lib/batch-concurrency';
import { BATCH_DEFAULTS } from '../lib/constructs/batch';

/** A list from cdk.json (a JSON array) or from `-c key=a,b` on the command line (a comma-separated string). */
const list = z
  .union([z.array(z.string()), z.string().transform((value) => value.split(','))])
  .transform((items) => items.map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1));

/** A positive whole number from cdk.json, or from `-c key=123` on the command line (a string). */
const positiveInt = z.coerce.number().int().positive();

/** A JWT group name (Cognito: letters, digits and punctuation, no whitespace). */
const groupName = z.string().regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, 'must be a group name without spaces');

/** Whether the runtime knows the IANA time zone (Scheduler takes IANA names, and `UTC`). */
const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The deployment settings read from CDK context; the defaults are placeholders so a plain synth works offline. */
const contextSchema = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lower-case letters, digits and dashes')
    .default('dev'),
  jwtIssuer: z.url({ protocol: /^https$/, error: 'must be an https URL' }).default('https://auth.example.com/'),
  jwtAudience: list.default(['coaching-api']),
  /** The JWT group of a tenant's admins (role admin, their own tenant only); the functions' default: admin. */
  jwtAdminGroup: groupName.optional(),
  /** The JWT group of platform admins (role platform-admin); the functions' default: platform-admin. */
  jwtPlatformAdminGroup: groupName.optional(),
  accountApiUrl: z.url().default('https://account-api.example.com'),
  tractionApiUrl: z.url().default('https://traction-api.example.com'),
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins: list.optional(),
  bedrockModelIds: list.default([
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ]),
  /** When the nightly insights run starts: an EventBridge Scheduler cron expression (six fields). */
  batchSchedule: z
    .string()
    .trim()
    .regex(/^cron\(\S+( \S+){5}\)$/, 'must be cron(minutes hours day-of-month month day-of-week year)')
    .default(BATCH_DEFAULTS.schedule),
  /** The IANA time zone batchSchedule is read in. */
  batchTimeZone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')
    .default(BATCH_DEFAULTS.timeZone),
  /** The account's Bedrock tokens-per-minute quota; the batch worker's concurrency is derived from it. */
  bedrockTokensPerMinute: positiveInt.default(BATCH_DEFAULTS.bedrockQuota.tokensPerMinute),
  /** Tokens (input + maxTokens) one tenant's insights generation takes. */
  tokensPerGeneration: positiveInt.default(BATCH_DEFAULTS.bedrockQuota.tokensPerGeneration),
  /** Seconds one tenant's insights generation takes. */
  secondsPerGeneration: positiveInt.default(BATCH_DEFAULTS.bedrockQuota.secondsPerGeneration),
  /** Share of the token quota the nightly run plans to use; the rest is left for users' own jobs (README). */
  batchHeadroom: z.coerce.number().gt(0).lte(1).default(DEFAULT_BATCH_HEADROOM),
  /** Secrets Manager secret name of the business APIs' client credentials; none: the worker gets no secret. */
  businessApiSecretName: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name (letters, digits, /_+=.@-)')
    .optional(),
});

const app = new App();

const parsed = contextSchema.safeParse(
  Object.fromEntries(Object.keys(contextSchema.shape).map((key) => [key, app.node.tryGetContext(key)])),
);
if (!parsed.success) {
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid CDK context: ${problems.join('; ')}`);
}
const config = parsed.data;
// The functions refuse one group for both admin roles at cold start (functions/shared/config.ts); refuse it at synth.
try {
  parseEnv(configSchema, {
    JWT_ADMIN_GROUP: config.jwtAdminGroup,
    JWT_PLATFORM_ADMIN_GROUP: config.jwtPlatformAdminGroup,
  });
} catch (error) {
  throw new Error(`Invalid CDK context jwtAdminGroup / jwtPlatformAdminGroup: ${(error as Error).message}`, {
    cause: error,
  });
}

const stack = new CoachingStack(app, `Coaching-${config.stage}`, {
  description: `Coaching service (${config.stage})`,
  jwtIssuer: config.jwtIssuer,
  jwtAudience: config.jwtAudience,
  roleGroups: {
    ...(config.jwtAdminGroup ? { admin: config.jwtAdminGroup } : {}),
    ...(config.jwtPlatformAdminGroup ? { platformAdmin: config.jwtPlatformAdminGroup } : {}),
  },
  businessApis: { accountApiUrl: config.accountApiUrl, tractionApiUrl: config.tractionApiUrl },
  bedrockModelIds: config.bedrockModelIds,
  corsOrigins: config.corsOrigins ?? [],
  batch: {
    schedule: config.batchSchedule,
    timeZone: config.batchTimeZone,
    bedrockQuota: {
      tokensPerMinute: config.bedrockTokensPerMinute,
      tokensPerGeneration: config.tokensPerGeneration,
      secondsPerGeneration: config.secondsPerGeneration,
    },
    headroom: config.batchHeadroom,
    businessApiSecretName: config.businessApiSecretName,
  },
});
Tags.of(stack).add('service', 'coaching-service');
Tags.of(stack).add('stage', config.stage);

// cdk-nag 3 runs as a CDK policy validation plugin: synth fails on any unacknowledged finding.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
