import { z } from 'zod';

/**
 * Deliveries of a failing message before SQS moves it to the dead-letter queue: the run queue's redrive policy
 * (lib/constructs/batch.ts) and the worker's settings (wiring.ts) both read it. It lives here, beside the message
 * schema, because this module imports nothing but zod, so the CDK app can import it without the function code.
 */
export const BATCH_MAX_RECEIVE_COUNT = 3;

/** One tenant's work in a nightly run: an SQS message body. */
export const batchMessageSchema = z
  .object({
    runId: z.string().min(1).max(64),
    tenantId: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/),
    /** The run's day (UTC): a tenant is generated at most once per day, however often its message arrives. */
    day: z.iso.date(),
    /** How many times this tenant was put back for later because the model was throttled. */
    attempt: z.number().int().min(0).default(0),
    enqueuedAt: z.iso.datetime(),
  })
  .strict();
export type BatchMessage = z.infer<typeof batchMessageSchema>;

/** What became of one tenant in a run. */
export const tenantOutcomes = [
  'generated',
  'from_cache',
  'fallback',
  'skipped',
  'duplicate',
  'retry_later',
  'failed',
] as const;
export type TenantOutcome = (typeof tenantOutcomes)[number];

/** A run's counters, kept with atomic ADDs as workers finish tenants. */
export const runSummarySchema = z.object({
  runId: z.string(),
  day: z.string(),
  startedAt: z.string(),
  enqueued: z.number().int(),
  generated: z.number().int(),
  from_cache: z.number().int(),
  fallback: z.number().int(),
  skipped: z.number().int(),
  duplicate: z.number().int(),
  retry_later: z.number().int(),
  failed: z.number().int(),
  tokens: z.number().int(),
  costMicros: z.number().int(),
  lastFinishedAt: z.string().optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** Tenants in the registry: seen by the API lately, or added by an admin. */
export const registryEntrySchema = z.object({
  tenantId: z.string(),
  source: z.enum(['api', 'admin']),
  lastSeenAt: z.string(),
});
export type RegistryEntry = z.infer<typeof registryEntrySchema>;

/** Path of the registry routes. */
export const registryParamsSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id'),
});
/** Query of `GET /admin/batch/tenants`. */
export const registryQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(2000).optional() })
  .strict();
/** Response of `GET /admin/batch/tenants`. */
export const registryPageSchema = z.object({ entries: z.array(registryEntrySchema), cursor: z.string().optional() });
/** Path of the run summary route. */
export const runParamsSchema = z.object({ runId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a run id') });
