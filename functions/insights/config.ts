import { envConfig, tableNameEnv } from '../shared/config';
import * as z from '../shared/zod';
import { insightsTable } from './tables';

/** The environment the insights capability reads (parsed once, at cold start). */
export const insightsEnv = z.object({
  ...tableNameEnv(insightsTable),
  INSIGHTS_TTL_HOURS: z._default(z.coerce.number().check(z.positive(), z.maximum(24 * 30)), 24),
  INSIGHTS_REFRESH_COOLDOWN_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 300),
  INSIGHTS_DISMISS_SUPPRESSION_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 30),
  /** The on-demand generation queue (SQS URL); unset: the in-process queue the local runtime serves. */
  INSIGHTS_JOB_QUEUE_URL: z.optional(z.url()),
  /** A failed generation is tried again on the next read after this long (the rules' set is served meanwhile). */
  INSIGHTS_RETRY_FAILED_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 900),
  /** Deliveries of a job whose model keeps throttling before it counts as failed. */
  INSIGHTS_JOB_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10)), 3),
});

/** The insights capability's configuration. */
export const insightsConfig = envConfig(insightsEnv);
