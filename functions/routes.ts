import { z } from 'zod';
import { defineRoute, type RouteDefinition } from './shared/http/route';
import {
  insightCategoriesSchema,
  insightIdParamsSchema,
  insightPageSchema,
  insightResponseSchema,
  insightSummarySchema,
  listInsightsQuerySchema,
} from './insights/model';
import { healthSchema } from './platform/model';

const insightsRead = { tables: { insights: 'read' }, businessApi: false } as const;
const insightsGenerate = {
  tables: { insights: 'readWrite', usage: 'readWrite' },
  promptsBucket: 'read',
  bedrock: true,
  businessApi: true,
} as const;

/**
 * THE route table. The CDK API construct creates one function and one API route per row; the local dev server
 * serves exactly these rows; the OpenAPI document is generated from them.
 */
export const routes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    handler: 'functions/platform/handlers/get-health.ts',
    auth: 'none',
    summary: 'Service version and which adapters are configured',
    tag: 'platform',
    response: { status: 200, schema: healthSchema },
    permissions: {},
  }),
  openApi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    handler: 'functions/platform/handlers/get-openapi.ts',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'platform',
    response: { status: 200, schema: z.record(z.string(), z.unknown()) },
    permissions: {},
  }),
  listInsights: defineRoute({
    method: 'GET',
    path: '/insights',
    handler: 'functions/insights/handlers/list-insights.ts',
    auth: 'user',
    summary: "The tenant's current insights, generated on a cache miss; filterable and paginated",
    tag: 'insights',
    query: listInsightsQuerySchema,
    response: { status: 200, schema: insightPageSchema },
    permissions: insightsGenerate,
  }),
  insightSummary: defineRoute({
    method: 'GET',
    path: '/insights/summary',
    handler: 'functions/insights/handlers/get-insight-summary.ts',
    auth: 'user',
    summary: 'Counts of the current insights by category, priority and status',
    tag: 'insights',
    response: { status: 200, schema: insightSummarySchema },
    permissions: insightsGenerate,
  }),
  insightCategories: defineRoute({
    method: 'GET',
    path: '/insights/categories',
    handler: 'functions/insights/handlers/list-insight-categories.ts',
    auth: 'user',
    summary: 'The insight categories and priorities with labels and descriptions',
    tag: 'insights',
    response: { status: 200, schema: insightCategoriesSchema },
    permissions: {},
  }),
  refreshInsights: defineRoute({
    method: 'POST',
    path: '/insights/refresh',
    handler: 'functions/insights/handlers/refresh-insights.ts',
    auth: 'user',
    summary: 'Regenerate the insights now, ignoring the cache (once per tenant per cooldown)',
    tag: 'insights',
    response: { status: 200, schema: insightPageSchema },
    permissions: insightsGenerate,
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
    permissions: { tables: { insights: 'readWrite' } },
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
    permissions: { tables: { insights: 'readWrite' } },
  }),
} as const satisfies Record<string, RouteDefinition<z.ZodType, z.ZodType, z.ZodType>>;

/** The route names. */
export type RouteName = keyof typeof routes;
