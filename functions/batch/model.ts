import * as z from '../shared/zod';
import { MAX_PAGE_SIZE, pageFields, pagedQuery } from '../shared/pagination';

/**
 * Deliveries of a failing message before SQS moves it to the dead-letter queue: the run queue's redrive policy
 * (lib/constructs/batch.ts) and the worker's settings (wiring.ts) both read it. It lives here, beside the message
 * schema, because this module imports nothing but zod, so the CDK app can import it without the function code.
 */
export const BATCH_MAX_RECEIVE_COUNT = 3;

/** The worker's timeout: one tenant per message (batch size 1), model calls included. Read by the stack and locally. */
export const BATCH_WORKER_TIMEOUT_SECONDS = 300;

/** One tenant's work in a nightly run: an SQS message body. */
export const batchMessageSchema = z.strictObject({
  runId: z.string().check(z.minLength(1), z.maxLength(64)),
  tenantId: z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/)),
  /** The run's day (UTC): a tenant is generated at most once per day, however often its message arrives. */
  day: z.iso.date(),
  /** How many times this tenant was put back for later because the model was throttled. */
  attempt: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  enqueuedAt: z.iso.datetime(),
});
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
  enqueued: z.number().check(z.int()),
  generated: z.number().check(z.int()),
  from_cache: z.number().check(z.int()),
  fallback: z.number().check(z.int()),
  skipped: z.number().check(z.int()),
  duplicate: z.number().check(z.int()),
  retry_later: z.number().check(z.int()),
  failed: z.number().check(z.int()),
  tokens: z.number().check(z.int()),
  costMicros: z.number().check(z.int()),
  lastFinishedAt: z.optional(z.string()),
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
  id: z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id')),
});
/** Query of `GET /admin/batch/tenants`: the pagination every list shares (`cursor`, `page_size`). */
export const registryQuerySchema = pagedQuery({}, MAX_PAGE_SIZE);
/** Response of `GET /admin/batch/tenants`: a page in tenant-id order; `cursor` (absent on the last page) leads on. */
export const registryPageSchema = z.object({ items: z.array(registryEntrySchema), ...pageFields });
/** Path of the run summary route. */
export const runParamsSchema = z.object({
  runId: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a run id')),
});
