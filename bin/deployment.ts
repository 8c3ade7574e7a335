import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { configSchema, parseEnv } from '../functions/shared/config';
import { CoachingStack, type CoachingStackProps } from '../lib/coaching-stack';
import { DEFAULT_BATCH_HEADROOM } from '../lib/batch-concurrency';
import { STREAM_DEFAULTS } from '../lib/constructs/api';
import { BATCH_DEFAULTS } from '../lib/constructs/batch';

/** The stage a plain `cdk synth` deploys (CI): the only one that accepts the placeholder defaults below. */
export const DEV_STAGE = 'dev';

/** A list from cdk.json (a JSON array) or from `-c key=a,b` on the command line (a comma-separated string). */
const list = (item: z.ZodType<string, string>) =>
  z
    .union([z.array(z.string()), z.string().transform((value) => value.split(','))])
    .transform((items) => items.map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(item).min(1));

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

/**
 * The deployment settings read from CDK context. The defaults of jwtIssuer, accountApiUrl and tractionApiUrl are
 * placeholders so that a plain synth works offline; outside the dev stage they are refused (placeholderProblems).
 */
export const contextSchema = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lower-case letters, digits and dashes')
    .default(DEV_STAGE),
  jwtIssuer: z.url({ protocol: /^https$/, error: 'must be an https URL' }).default('https://auth.example.com/'),
  jwtAudience: list(z.string()).default(['coaching-api']),
  /** The JWT group of a tenant's admins (role admin, their own tenant only); the functions' default: admin. */
  jwtAdminGroup: groupName.optional(),
  /** The JWT group of platform admins (role platform-admin); the functions' default: platform-admin. */
  jwtPlatformAdminGroup: groupName.optional(),
  accountApiUrl: z.url().default('https://account-api.example.com'),
  tractionApiUrl: z.url().default('https://traction-api.example.com'),
  /** Browser origins allowed to call the API and the streaming URL (CORS); none by default. */
  corsOrigins: list(z.url({ protocol: /^https?$/, error: 'must be an http(s) origin' })).optional(),
  bedrockModelIds: list(z.string()).default([
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ]),
  /** Who the alarms notify: an email subscription to the alarm topic each (confirmed from the email AWS sends). */
  alarmEmails: list(z.email({ error: 'must be email addresses' })).optional(),
  /** How many streamed conversation turns may run at once (the streaming function's reserved concurrency). */
  streamReservedConcurrency: positiveInt.default(STREAM_DEFAULTS.reservedConcurrency),
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

/** The settings as validated. */
export type DeploymentContext = z.output<typeof contextSchema>;

/** Hosts reserved for documentation (RFC 2606): a URL or an address there is a placeholder, not a deployment's. */
const PLACEHOLDER_HOST = /(^|\.)example\.(com|net|org)$/i;

const isPlaceholderUrl = (url: string): boolean => PLACEHOLDER_HOST.test(new URL(url).hostname);

/**
 * What a stage other than dev must set for itself: a real issuer and real .NET URLs (not the placeholder defaults,
 * nor any example.com address), the business APIs' client-credentials secret (without it the workers would send the
 * dev token), and someone the alarms notify. Each problem names the context key to set.
 */
const placeholderProblems = (context: DeploymentContext): string[] => {
  if (context.stage === DEV_STAGE) return [];
  const problems: string[] = [];
  const urls = {
    jwtIssuer: 'the issuer of your tokens, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
    accountApiUrl: 'the Account service base URL, e.g. https://account.internal.yourcompany.com',
    tractionApiUrl: 'the Traction service base URL, e.g. https://traction.internal.yourcompany.com',
  } as const;
  for (const [key, what] of Object.entries(urls) as [keyof typeof urls, string][]) {
    if (isPlaceholderUrl(context[key]))
      problems.push(`${key} is a placeholder (${context[key]}): set -c ${key}=<${what}>`);
  }
  if (context.businessApiSecretName === undefined) {
    problems.push(
      "businessApiSecretName is not set: the workers need the business APIs' client credentials; set " +
        '-c businessApiSecretName=<Secrets Manager secret name, e.g. coaching/prod/business-api-client>',
    );
  }
  const emails = context.alarmEmails ?? [];
  if (emails.length === 0 || emails.some((email) => PLACEHOLDER_HOST.test(email.split('@')[1] ?? ''))) {
    problems.push('alarmEmails names nobody real: set -c alarmEmails=<oncall@yourcompany.com,...> (comma-separated)');
  }
  return problems;
};

/**
 * The deployment settings from CDK context (`read` is `app.node.tryGetContext`): validated, with the defaults a plain
 * synth needs. Throws one error listing every problem, each naming its context key: an invalid value, a placeholder
 * outside the dev stage, or one JWT group for both admin roles.
 */
export const readDeploymentContext = (read: (key: string) => unknown): DeploymentContext => {
  const parsed = contextSchema.safeParse(
    Object.fromEntries(Object.keys(contextSchema.shape).map((key) => [key, read(key)])),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid CDK context: ${problems.join('; ')}`);
  }
  const context = parsed.data;
  const placeholders = placeholderProblems(context);
  if (placeholders.length > 0) {
    throw new Error(`CDK context for stage "${context.stage}" (not ${DEV_STAGE}): ${placeholders.join('; ')}`);
  }
  // The functions refuse one group for both admin roles at cold start (functions/shared/config.ts); refuse it at synth.
  try {
    parseEnv(configSchema, {
      JWT_ADMIN_GROUP: context.jwtAdminGroup,
      JWT_PLATFORM_ADMIN_GROUP: context.jwtPlatformAdminGroup,
    });
  } catch (error) {
    throw new Error(`Invalid CDK context jwtAdminGroup / jwtPlatformAdminGroup: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return context;
};

/** The stack's props from the validated context. */
export const stackPropsOf = (context: DeploymentContext): CoachingStackProps => ({
  description: `Coaching service (${context.stage})`,
  stage: context.stage,
  jwtIssuer: context.jwtIssuer,
  jwtAudience: context.jwtAudience,
  roleGroups: {
    ...(context.jwtAdminGroup ? { admin: context.jwtAdminGroup } : {}),
    ...(context.jwtPlatformAdminGroup ? { platformAdmin: context.jwtPlatformAdminGroup } : {}),
  },
  businessApis: { accountApiUrl: context.accountApiUrl, tractionApiUrl: context.tractionApiUrl },
  bedrockModelIds: context.bedrockModelIds,
  corsOrigins: context.corsOrigins ?? [],
  alarmEmails: context.alarmEmails ?? [],
  streamReservedConcurrency: context.streamReservedConcurrency,
  batch: {
    schedule: context.batchSchedule,
    timeZone: context.batchTimeZone,
    bedrockQuota: {
      tokensPerMinute: context.bedrockTokensPerMinute,
      tokensPerGeneration: context.tokensPerGeneration,
      secondsPerGeneration: context.secondsPerGeneration,
    },
    headroom: context.batchHeadroom,
    businessApiSecretName: context.businessApiSecretName,
  },
});

/**
 * The CDK app's one stack, `Coaching-<stage>`, from the app's context, tagged (its nested stacks too), with cdk-nag's
 * AwsSolutions checks as a policy validation plugin of the app, so they walk the nested stacks' resources as well
 * (synth fails on any unacknowledged finding, in whichever template).
 */
export const deployCoachingStack = (app: App): CoachingStack => {
  const context = readDeploymentContext((key) => app.node.tryGetContext(key));
  const stack = new CoachingStack(app, `Coaching-${context.stage}`, stackPropsOf(context));
  Tags.of(stack).add('service', 'coaching-service');
  Tags.of(stack).add('stage', context.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
};
