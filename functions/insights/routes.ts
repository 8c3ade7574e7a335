import { insightsEnv } from './config';
import { defineCapability, defineRoute } from '../shared/http/route';
import { insightsTable } from './tables';
import { insightJobsWorker } from './workers';
import { jobParamsSchema, jobResponseSchema } from '../shared/jobs/model';
import {
  insightCategoriesSchema,
  insightIdParamsSchema,
  insightPageSchema,
  insightResponseSchema,
  insightSummarySchema,
  listInsightsQuerySchema,
} from './model';

/**
 * What a read that may miss touches: the sets and the jobs, the business APIs (the rules write a set at once, and
 * record the day's metrics in the history), the metric history and the generation queue. The model is the worker's (workers.ts), never a request's.
 */
const serves = {
  tables: { insights: 'readWrite', jobs: 'readWrite', metricHistory: 'readWrite' },
  businessApi: true,
  queues: ['insightJobs'],
} as const;

/** The insights capability's rows of the route table: the current insight set, its summary, refresh and status changes. */
export const insights = defineCapability({
  env: insightsEnv,
  tables: { insights: insightsTable },
  workers: { insightJobs: insightJobsWorker },
  routes: {
    listInsights: defineRoute({
      method: 'GET',
      path: '/insights',
      handler: 'functions/insights/handlers/list-insights.ts',
      auth: 'user',
      summary:
        "The tenant's current insights, filterable and paginated; never waits for the model: on a miss the older set " +
        "(stale) or a set the rules write at once, while a job writes the model's set (`generation`). ETag / If-None-Match",
      tag: 'insights',
      query: listInsightsQuerySchema,
      response: { status: 200, schema: insightPageSchema },
      errors: ['upstream_unavailable', 'no_business_data', 'service_busy', 'conflict'],
      grants: { ...serves, tables: { ...serves.tables, batch: 'readWrite' }, cursors: true },
    }),
    insightSummary: defineRoute({
      method: 'GET',
      path: '/insights/summary',
      handler: 'functions/insights/handlers/get-insight-summary.ts',
      auth: 'user',
      summary: 'Counts of the current insights by category, priority and status',
      tag: 'insights',
      response: { status: 200, schema: insightSummarySchema },
      errors: ['upstream_unavailable', 'no_business_data', 'service_busy', 'conflict'],
      grants: serves,
    }),
    insightCategories: defineRoute({
      method: 'GET',
      path: '/insights/categories',
      handler: 'functions/insights/handlers/list-insight-categories.ts',
      auth: 'user',
      summary: 'The insight categories and priorities with labels and descriptions',
      tag: 'insights',
      response: { status: 200, schema: insightCategoriesSchema },
      grants: {},
    }),
    refreshInsights: defineRoute({
      method: 'POST',
      path: '/insights/refresh',
      handler: 'functions/insights/handlers/refresh-insights.ts',
      auth: 'user',
      summary:
        'Start a new generation now, ignoring the cache (once per tenant per cooldown): 202 with the job (the one ' +
        'already running, if any); poll GET /insight-jobs/{jobId} or GET /insights',
      tag: 'insights',
      response: { status: 202, schema: jobResponseSchema },
      errors: ['rate_limited', 'upstream_unavailable', 'no_business_data', 'service_busy', 'conflict'],
      grants: serves,
    }),
    getInsightJob: defineRoute({
      method: 'GET',
      path: '/insight-jobs/{jobId}',
      handler: 'functions/insights/handlers/get-insight-job.ts',
      auth: 'user',
      summary: "One of the tenant's generation jobs: pending, running, done or failed (with its reason)",
      tag: 'insights',
      params: jobParamsSchema,
      response: { status: 200, schema: jobResponseSchema },
      errors: ['not_found'],
      grants: { tables: { jobs: 'read' } },
    }),
    dismissInsight: defineRoute({
      method: 'POST',
      path: '/insights/{id}/dismiss',
      handler: 'functions/insights/handlers/dismiss-insight.ts',
      auth: 'user',
      summary: 'Dismiss an insight; the same insight is suppressed in later sets for 30 days',
      tag: 'insights',
      params: insightIdParamsSchema,
      response: { status: 200, schema: insightResponseSchema },
      errors: ['not_found'],
      grants: { tables: { insights: 'readWrite' } },
    }),
    acknowledgeInsight: defineRoute({
      method: 'POST',
      path: '/insights/{id}/acknowledge',
      handler: 'functions/insights/handlers/acknowledge-insight.ts',
      auth: 'user',
      summary: 'Acknowledge an insight; acknowledging a dismissed one lifts its suppression (the last change wins)',
      tag: 'insights',
      params: insightIdParamsSchema,
      response: { status: 200, schema: insightResponseSchema },
      errors: ['not_found'],
      grants: { tables: { insights: 'readWrite' } },
    }),
  },
});
