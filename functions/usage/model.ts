import { z } from 'zod';
import { requestTypes, tenantLimitsSchema } from '../shared/usage/ledger';

const day = z.iso.date({ error: 'must be a date like 2026-11-21' });
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-11');
const tenantId = z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id');

/** Longest range the admin usage report covers in one request. */
export const MAX_REPORT_DAYS = 92;

/** Query of `GET /admin/usage`. */
export const usageReportQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    tenantId: tenantId.optional(),
    groupBy: z.enum(['day', 'model', 'requestType']).default('day'),
  })
  .strict();
export type UsageReportQuery = z.output<typeof usageReportQuerySchema>;

/** Query of `GET /admin/usage/top-tenants`. */
export const topTenantsQuerySchema = z
  .object({ month: month.optional(), limit: z.coerce.number().int().min(1).max(100).default(10) })
  .strict();

/** Path of the tenant limits routes. */
export const tenantParamsSchema = z.object({ id: tenantId });

/** Body of `PUT /admin/tenants/{id}/limits`: the limits to override (the others keep their defaults). */
export const limitsBodySchema = tenantLimitsSchema
  .partial()
  .strict()
  .refine((limits) => Object.keys(limits).length > 0, 'name at least one limit');

const amounts = { calls: z.number().int(), tokens: z.number().int(), costUsd: z.number() };

/** Response of `GET /usage`. */
export const myUsageSchema = z.object({
  month,
  resetsAt: z.iso.datetime(),
  tokens: z.object({ used: z.number().int(), limit: z.number().int(), percent: z.number() }),
  cost: z.object({ usedUsd: z.number(), limitUsd: z.number(), percent: z.number() }),
  byRequestType: z.record(z.enum(requestTypes), z.object(amounts)),
});

/** Response of `GET /admin/usage`. */
export const usageReportSchema = z.object({
  from: day,
  to: day,
  tenantId: z.string().optional(),
  groupBy: z.enum(['day', 'model', 'requestType']),
  rows: z.array(z.object({ key: z.string(), ...amounts })),
  totals: z.object(amounts),
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
  override: tenantLimitsSchema.partial().nullable(),
  defaults: tenantLimitsSchema,
});
