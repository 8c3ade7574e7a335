import { defineCapability, defineRoute } from '../shared/http/route';
import { tenantParamsSchema } from '../usage/model';
import {
  historyQuerySchema,
  historyResponseSchema,
  importBodySchema,
  importResponseSchema,
  trendsResponseSchema,
} from './model';

/**
 * The metric history's rows of the route table: a platform admin's backfill, and the tenant's series (for charts) and
 * current trends. The history itself is recorded by every insight generation (shared/metrics).
 */
export const metrics = defineCapability({
  routes: {
    importMetrics: defineRoute({
      method: 'POST',
      path: '/admin/tenants/{id}/metrics/import',
      handler: 'functions/metrics/handlers/import-metrics.ts',
      auth: 'platform-admin',
      summary:
        "Backfill a tenant's daily metric history: every row is checked (422 naming every bad row, nothing written); " +
        'idempotent per tenant, date, metric and entity (the same points again change nothing)',
      tag: 'metrics',
      params: tenantParamsSchema,
      body: importBodySchema,
      response: { status: 200, schema: importResponseSchema },
      errors: ['unprocessable'],
      grants: { tables: { metricHistory: 'readWrite' } },
    }),
    getMetricHistory: defineRoute({
      method: 'GET',
      path: '/metrics/history',
      handler: 'functions/metrics/handlers/get-metric-history.ts',
      auth: 'user',
      summary:
        "One series of the tenant's daily metric history between two days (default: the last 90), oldest first; " +
        'goalProgress, kpiValue and componentScore need an entityId',
      tag: 'metrics',
      query: historyQuerySchema,
      response: { status: 200, schema: historyResponseSchema },
      grants: { tables: { metricHistory: 'read' } },
    }),
    getMetricTrends: defineRoute({
      method: 'GET',
      path: '/metrics/trends',
      handler: 'functions/metrics/handlers/get-metric-trends.ts',
      auth: 'user',
      summary:
        "The tenant's current trend signals with their numbers: changes vs 7 and 30 days ago, the overall score's " +
        'drivers and detractors, new trends, unusual changes, stalled goals and each goal’s pace',
      tag: 'metrics',
      response: { status: 200, schema: trendsResponseSchema },
      grants: { tables: { metricHistory: 'read' } },
    }),
  },
});
