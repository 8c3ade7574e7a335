import * as z from '../shared/zod';
import { conversationStatsSchema } from '../conversations/model';
import { tenantLimitsSchema } from '../shared/usage/ledger';

const day = z.iso.date({ error: 'must be a date like 2026-11-21' });
const month = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-11'));
const tenantId = z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id'));

/** Longest range the admin usage report covers in one request. */
export const MAX_REPORT_DAYS = 92;

/** Query of `GET /admin/usage`. */
export const usageReportQuerySchema = z.strictObject({
  from: z.optional(day),
  to: z.optional(day),
  tenantId: z.optional(tenantId),
  groupBy: z._default(z.enum(['day', 'model', 'requestType']), 'day'),
});
export type UsageReportQuery = z.output<typeof usageReportQuerySchema>;

/** Query of `GET /admin/usage/top-tenants`. */
export const topTenantsQuerySchema = z.strictObject({
  month: z.optional(month),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
});

/** Path of the tenant limits routes. */
export const tenantParamsSchema = z.object({ id: tenantId });

/** Body of `PUT /admin/tenants/{id}/limits`: the limits to override (the others keep their defaults). */
export const limitsBodySchema = z
  .partial(z.strictObject(tenantLimitsSchema.shape))
  .check(z.refine((limits) => Object.keys(limits).length > 0, 'name at least one limit'));

const amounts = { calls: z.number().check(z.int()), tokens: z.number().check(z.int()), costUsd: z.number() };

/** Response of `GET /usage`. */
export const myUsageSchema = z.object({
  month,
  resetsAt: z.iso.datetime(),
  tokens: z.object({ used: z.number().check(z.int()), limit: z.number().check(z.int()), percent: z.number() }),
  cost: z.object({ usedUsd: z.number(), limitUsd: z.number(), percent: z.number() }),
  /** The request types with usage this month (each capability names its own). */
  byRequestType: z.record(z.string(), z.object(amounts)),
});

/** Response of `GET /admin/usage`. */
export const usageReportSchema = z.object({
  from: day,
  to: day,
  tenantId: z.optional(z.string()),
  groupBy: z.enum(['day', 'model', 'requestType']),
  rows: z.array(z.object({ key: z.string(), ...amounts })),
  totals: z.object(amounts),
  /** The conversations started in the range: started, completed, abandoned, in progress, by topic. */
  conversations: conversationStatsSchema,
});

/** Response of `GET /admin/usage/top-tenants`. */
export const topTenantsSchema = z.object({
  month,
  tenants: z.array(z.object({ tenantId: z.string(), ...amounts })),
});

/** Response of the tenant limits routes. */
export const tenantLimitsResponseSchema = z.object({
  tenantId: z.string(),
  limits: tenantLimitsSchema,
  override: z.nullable(z.partial(tenantLimitsSchema)),
  defaults: tenantLimitsSchema,
});
