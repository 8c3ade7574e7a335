import { insightsEnv } from './config';
import { defineCapability, defineRoute } from '../shared/http/route';
import { insightsTable } from './tables';
import {
  insightCategoriesSchema,
  insightIdParamsSchema,
  insightPageSchema,
  insightResponseSchema,
  insightSummarySchema,
  listInsightsQuerySchema,
} from './model';

const generates = {
  tables: { insights: 'readWrite', usage: 'readWrite', promptIndex: 'read' },
  promptsBucket: 'read',
  bedrock: true,
  businessApi: true,
} as const;

/** The insights capability's rows of the route table: the current insight set, its summary, refresh and status changes. */
export const insights = defineCapability({
  env: insightsEnv,
  tables: { insights: insightsTable },
  routes: {
    listInsights: defineRoute({
      method: 'GET',
      path: '/insights',
      handler: 'functions/insights/handlers/list-insights.ts',
      auth: 'user',
      summary: "The tenant's current insights, generated on a cache miss; filterable and paginated",
      tag: 'insights',
      query: listInsightsQuerySchema,
      response: { status: 200, schema: insightPageSchema },
      grants: { ...generates, tables: { ...generates.tables, batch: 'readWrite' } },
    }),
    insightSummary: defineRoute({
      method: 'GET',
      path: '/insights/summary',
      handler: 'functions/insights/handlers/get-insight-summary.ts',
      auth: 'user',
      summary: 'Counts of the current insights by category, priority and status',
      tag: 'insights',
      response: { status: 200, schema: insightSummarySchema },
      grants: generates,
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
      summary: 'Regenerate the insights now, ignoring the cache (once per tenant per cooldown)',
      tag: 'insights',
      response: { status: 200, schema: insightPageSchema },
      grants: generates,
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
      grants: { tables: { insights: 'readWrite' } },
    }),
    acknowledgeInsight: defineRoute({
      method: 'POST',
      path: '/insights/{id}/acknowledge',
      handler: 'functions/insights/handlers/acknowledge-insight.ts',
      auth: 'user',
      summary: 'Acknowledge an insight',
      tag: 'insights',
      params: insightIdParamsSchema,
      response: { status: 200, schema: insightResponseSchema },
      grants: { tables: { insights: 'readWrite' } },
    }),
  },
});
