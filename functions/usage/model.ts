import * as z from '../shared/zod';
import { conversationStatsSchema } from '../conversations/model';
import { tenantLimitsSchema } from '../shared/usage/ledger';

const day = z.iso.date({ error: 'must be a date like 2026-11-21' });
const month = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-11'));
/** A tenant id as a path or query names it (the JWT claim's safe-id shape). */
export const tenantIdSchema = z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'is not a tenant id'));

/** What the admin usage report can group by. */
export const REPORT_GROUPS = ['day', 'model', 'family', 'requestType'] as const;

/** Longest range the admin usage report covers in one request. */
export const MAX_REPORT_DAYS = 92;

/** Query of `GET /usage`: the month to report (this one by default; a later one is refused). */
export const myUsageQuerySchema = z.strictObject({ month: z.optional(month) });

/** Query of `GET /admin/usage`; `format=csv` answers with the rows as a CSV file instead of JSON. */
export const usageReportQuerySchema = z.strictObject({
  from: z.optional(day),
  to: z.optional(day),
  tenantId: z.optional(tenantIdSchema),
  /** `family`: by model family (anthropic, amazon, meta, openai, mistral), from the model catalogue. */
  groupBy: z._default(z.enum(REPORT_GROUPS), 'day'),
  format: z._default(z.enum(['json', 'csv']), 'json'),
});
export type UsageReportQuery = z.output<typeof usageReportQuerySchema>;

/** Query of `GET /admin/usage/top-tenants`. */
export const topTenantsQuerySchema = z.strictObject({
  month: z.optional(month),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
});

/** Path of the tenant limits routes. */
export const tenantParamsSchema = z.object({ id: tenantIdSchema });

const { monthlyTokenBudget, monthlyCostBudgetUsd, userRequestsPerMinute } = tenantLimitsSchema.shape;

/**
 * Body of `PUT /admin/tenants/{id}/limits`: the limits to override, each within its bounds; `null` clears one (back
 * to its default). The limits it does not name stay as they are.
 */
export const limitsBodySchema = z
  .strictObject({
    monthlyTokenBudget: z.optional(z.nullable(monthlyTokenBudget)),
    monthlyCostBudgetUsd: z.optional(z.nullable(monthlyCostBudgetUsd)),
    userRequestsPerMinute: z.optional(z.nullable(userRequestsPerMinute)),
  })
  .check(z.refine((limits) => Object.keys(limits).length > 0, 'name at least one limit'));

const count = z.number().check(z.int());
const amounts = { calls: count, tokens: count, costUsd: z.number() };
/** Tokens by kind: `tokens` is input + output; cache reads and writes are counted apart (Bedrock reports them so). */
const tokenKinds = { inputTokens: count, outputTokens: count, cacheReadTokens: count, cacheWriteTokens: count };
const detailedAmounts = z.object({ ...amounts, ...tokenKinds });

/** Response of `GET /usage`. */
export const myUsageSchema = z.object({
  month,
  resetsAt: z.iso.datetime(),
  tokens: z.object({ used: count, limit: count, percent: z.number(), ...tokenKinds }),
  cost: z.object({ usedUsd: z.number(), limitUsd: z.number(), percent: z.number() }),
  /** The request types with usage in the month (each capability names its own). */
  byRequestType: z.record(z.string(), detailedAmounts),
  /**
   * Where the month ends at its current daily pace (UTC): month-to-date use / elapsed days × days in the month, today
   * counted as a whole day; a past month's projection is its use.
   */
  projection: z.object({
    tokens: count,
    costUsd: z.number(),
    exceedsBudget: z.boolean(),
    elapsedDays: count,
    daysInMonth: count,
  }),
});

/** Response of `GET /admin/usage`. */
export const usageReportSchema = z.object({
  from: day,
  to: day,
  tenantId: z.optional(z.string()),
  groupBy: z.enum(REPORT_GROUPS),
  rows: z.array(
    z.object({
      key: z.string(),
      /** Grouped by model: the model's family, from the catalogue (`unknown` for a model it does not know). */
      family: z.optional(z.string()),
      ...amounts,
      ...tokenKinds,
    }),
  ),
  totals: detailedAmounts,
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
