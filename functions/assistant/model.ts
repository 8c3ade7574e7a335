import * as z from '../shared/zod';
import { KNOWLEDGE_CATEGORIES } from '../shared/knowledge/article';
import { sourceErrorSchema, sourceNames } from '../shared/business-api/model';
import { headlineMetrics } from '../shared/metrics/trends';
import { tenantLimitsSchema } from '../shared/usage/ledger';
import { myUsageSchema } from '../usage/model';

/** The longest query a knowledge-base search takes, in characters. */
export const MAX_QUERY_CHARS = 500;

const day = z.iso.date();

/**
 * Body of `POST /ai/knowledge-base/search`. `context` is what the asker is looking at or talked about (a page, recent
 * messages): it reorders the matches of `query`, never adds one. Unknown keys are refused (400), at every level.
 */
export const knowledgeSearchBodySchema = z.strictObject({
  query: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_QUERY_CHARS)),
  context: z.optional(z.array(z.string().check(z.maxLength(MAX_QUERY_CHARS))).check(z.maxLength(10))),
  filters: z.optional(
    z.strictObject({
      category: z.optional(z.enum(KNOWLEDGE_CATEGORIES)),
      tags: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(60))).check(z.maxLength(10))),
      dateRange: z.optional(z.strictObject({ from: z.optional(day), to: z.optional(day) })),
    }),
  ),
  limit: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(20)), 5),
});
export type KnowledgeSearchBody = z.output<typeof knowledgeSearchBodySchema>;

/** Response of the search: the best matches with a snippet each, how many matched, and the time in milliseconds. */
export const knowledgeSearchResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      content: z.string(),
      relevanceScore: z.number(),
      category: z.string(),
      tags: z.array(z.string()),
      lastUpdated: z.string(),
      url: z.string(),
    }),
  ),
  totalCount: z.number().check(z.int()),
  searchTime: z.number(),
});

/** Body of `POST /ai/account-status`: which sections to answer with (all by default); unknown keys are refused. */
export const accountStatusBodySchema = z.strictObject({
  includeUsage: z._default(z.boolean(), true),
  includeBilling: z._default(z.boolean(), true),
  includeIntegrations: z._default(z.boolean(), true),
});
export type AccountStatusBody = z.output<typeof accountStatusBodySchema>;

/** What an alert is about; a failing source's alert names the source. */
export const ACCOUNT_ALERT_CODES = [
  'token_budget_exhausted',
  'token_budget_warning',
  'cost_budget_exhausted',
  'cost_budget_warning',
  'budget_projection',
  'source_failing',
] as const;

const instant = z.iso.datetime();
const limitNames = z.enum(['monthlyTokenBudget', 'monthlyCostBudgetUsd', 'userRequestsPerMinute']);

/** One .NET source of the tenant, as the business-data reads last found it. */
export const integrationSchema = z.object({
  source: z.enum(sourceNames),
  service: z.enum(['account', 'traction']),
  endpoint: z.string(),
  /** `unknown`: never read for this tenant (within the health's retention); `failing`: the last read failed. */
  status: z.enum(['unknown', 'healthy', 'failing']),
  lastSuccessAt: z.optional(instant),
  lastFailureAt: z.optional(instant),
  lastError: z.optional(sourceErrorSchema),
});

/**
 * Response of `POST /ai/account-status`. `account.status`: `limited` when a monthly budget is spent (model work falls
 * back to the rules until the month resets), `degraded` when a source fails, else `active`. The subscription is the
 * tenant's limits: `standard` (the deployment's defaults) or `custom` (a platform admin set some). `billing` is the
 * metered model cost (no invoices are kept here).
 */
export const accountStatusResponseSchema = z.object({
  account: z.object({ tenantId: z.string(), status: z.enum(['active', 'degraded', 'limited']) }),
  subscription: z.object({
    plan: z.enum(['standard', 'custom']),
    limits: tenantLimitsSchema,
    /** The limits a platform admin set for this tenant (the others are the defaults). */
    customLimits: z.array(limitNames),
    resetsAt: instant,
  }),
  usage: z.optional(myUsageSchema),
  billing: z.optional(
    z.object({
      currency: z.literal('USD'),
      month: z.string(),
      monthToDateUsd: z.number(),
      budgetUsd: z.number(),
      projectedUsd: z.number(),
    }),
  ),
  integrations: z.optional(z.array(integrationSchema)),
  alerts: z.array(
    z.object({
      code: z.enum(ACCOUNT_ALERT_CODES),
      severity: z.enum(['info', 'warning', 'critical']),
      message: z.string(),
      source: z.optional(z.enum(sourceNames)),
    }),
  ),
  checkedAt: instant,
});
export type AccountStatus = z.output<typeof accountStatusResponseSchema>;

/** The ranges of the analytics overview, and their length in days (today included). */
export const TIME_RANGES = { last_7_days: 7, last_30_days: 30, last_90_days: 90 } as const;

/** Body of `POST /ai/analytics-overview`; `metrics` defaults to every headline metric. */
export const analyticsOverviewBodySchema = z.strictObject({
  timeRange: z.enum(['last_7_days', 'last_30_days', 'last_90_days']),
  metrics: z.optional(z.array(z.enum(headlineMetrics)).check(z.minLength(1), z.maxLength(headlineMetrics.length))),
  includeComparisons: z._default(z.boolean(), true),
  includeInsights: z._default(z.boolean(), true),
});
export type AnalyticsOverviewBody = z.output<typeof analyticsOverviewBodySchema>;

const value = z.nullable(z.number());

/**
 * Response of `POST /ai/analytics-overview`: each metric over the range (its recorded days), the range against the
 * one before it of equal length (averages of the recorded days), the top trend signals of the history and the
 * current insights as cached (never generated here).
 */
export const analyticsOverviewResponseSchema = z.object({
  timeRange: z.object({
    period: z.enum(['last_7_days', 'last_30_days', 'last_90_days']),
    start: day,
    end: day,
    days: z.number().check(z.int()),
  }),
  metrics: z.array(
    z.object({
      metric: z.enum(headlineMetrics),
      label: z.string(),
      /** How many days of the range have a value. */
      points: z.number().check(z.int()),
      latest: z.nullable(z.object({ date: day, value: z.number() })),
      average: value,
      min: value,
      max: value,
    }),
  ),
  trends: z.object({
    comparisons: z.optional(
      z.object({
        previous: z.object({ start: day, end: day }),
        metrics: z.array(
          z.object({
            metric: z.enum(headlineMetrics),
            current: value,
            previous: value,
            change: value,
            /** The change over the previous average, in percent; null when that is 0 or either range has no data. */
            changePercent: value,
            /** Whether the change is good news (for issue and risk counts, a fall is). */
            assessment: z.enum(['better', 'worse', 'unchanged', 'no_data']),
          }),
        ),
      }),
    ),
    historyDays: z.number().check(z.int()),
    /** The strongest trend signals of the tenant's history (score changes, new trends, unusual days, goals). */
    signals: z.array(
      z.object({ key: z.string(), kind: z.string(), priority: z.string(), category: z.string(), summary: z.string() }),
    ),
  }),
  insights: z.optional(
    z.object({
      /** False when no insight set is stored for the tenant yet (this route never generates one). */
      available: z.boolean(),
      message: z.optional(z.string()),
      generatedAt: z.optional(instant),
      stale: z.optional(z.boolean()),
      source: z.optional(z.enum(['llm', 'rules'])),
      activeCount: z.optional(z.number().check(z.int())),
      top: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          category: z.string(),
          priority: z.string(),
          description: z.string(),
        }),
      ),
    }),
  ),
});
export type AnalyticsOverview = z.output<typeof analyticsOverviewResponseSchema>;
