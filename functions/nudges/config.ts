import { envConfig, tableNameEnv } from '../shared/config';
import * as z from '../shared/zod';
import { nudgesTable } from './tables';

const days = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(3650)), fallback);

/** The environment the nudges capability reads (parsed once, at cold start). */
export const nudgesEnv = z.object({
  ...tableNameEnv(nudgesTable),
  /** How long an activity is kept (TTL). */
  NUDGE_ACTIVITY_RETENTION_DAYS: days(180),
  /** A dismissed nudge (same rule and entity) is not raised again for this long. */
  NUDGE_DISMISS_COOLDOWN_DAYS: days(30),
  /** Users the hourly schedule evaluates at most per run (the bound of its work). */
  NUDGE_SCHEDULE_MAX_USERS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10_000)), 500),
  /** Patterns are computed again on a read after this many new activities, or when a week old. */
  NUDGE_PATTERN_NEW_ACTIVITIES: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 20),
});

/** The nudges capability's configuration. */
export const nudgesConfig = envConfig(nudgesEnv);
