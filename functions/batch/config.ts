import { envConfig, tableNameEnv } from '../shared/config';
import * as z from '../shared/zod';
import { batchTable } from './tables';

/** The environment the nightly batch reads (parsed once, at cold start). */
export const batchEnv = z.object({
  ...tableNameEnv(batchTable),
  /** The queue of tenant work of the nightly run (SQS URL). */
  BATCH_QUEUE_URL: z.optional(z.url()),
  /** Tenants the API has not seen for this many days leave the registry (TTL); admin-added ones stay. */
  REGISTRY_ACTIVE_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 30),
  /** How often a throttled tenant is put back for later before it counts as failed. */
  BATCH_MAX_THROTTLE_RETRIES: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(50)), 8),
  /** A set generated this many hours before a run counts as fresh for it (not generated again). */
  BATCH_FRESH_HOURS: z._default(z.coerce.number().check(z.minimum(0), z.maximum(24)), 6),
});

/** The nightly batch's configuration. */
export const batchConfig = envConfig(batchEnv);
