import { envConfig, tableNameEnv } from '../shared/config';
import * as z from '../shared/zod';
import { insightsTable } from './tables';

/** The environment the insights capability reads (parsed once, at cold start). */
export const insightsEnv = z.object({
  ...tableNameEnv(insightsTable),
  INSIGHTS_TTL_HOURS: z._default(z.coerce.number().check(z.positive(), z.maximum(24 * 30)), 24),
  INSIGHTS_REFRESH_COOLDOWN_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 300),
  INSIGHTS_DISMISS_SUPPRESSION_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 30),
  INSIGHTS_LEASE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(120)), 25),
  INSIGHTS_LEASE_POLL_MS: z._default(z.coerce.number().check(z.int(), z.minimum(5), z.maximum(5000)), 150),
});

/** The insights capability's configuration. */
export const insightsConfig = envConfig(insightsEnv);
