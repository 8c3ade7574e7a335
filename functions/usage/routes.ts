import * as z from '../shared/zod';
import { defineCapability, defineRoute } from '../shared/http/route';
import {
  limitsBodySchema,
  myUsageQuerySchema,
  myUsageSchema,
  tenantLimitsResponseSchema,
  tenantParamsSchema,
  topTenantsQuerySchema,
  topTenantsSchema,
  usageReportQuerySchema,
  usageReportSchema,
} from './model';

/** The usage capability's rows of the route table: usage reports and tenants' limits. */
export const usage = defineCapability({
  routes: {
    getMyUsage: defineRoute({
      method: 'GET',
      path: '/usage',
      handler: 'functions/usage/handlers/get-my-usage.ts',
      auth: 'user',
      summary:
        "A month's tokens (by kind) and cost of the caller's tenant against its limits, by request type, and the " +
        "month's end projected at its daily pace (this month unless `month` names an earlier one)",
      tag: 'usage',
      query: myUsageQuerySchema,
      response: { status: 200, schema: myUsageSchema },
      grants: { tables: { usage: 'read' } },
    }),
    getUsageReport: defineRoute({
      method: 'GET',
      path: '/admin/usage',
      handler: 'functions/usage/handlers/get-usage-report.ts',
      auth: 'platform-admin',
      summary:
        'Usage over a date range, for one tenant or all, grouped by day, model (each with its family), model family ' +
        'or request type, with the ' +
        'conversations started in the range (started, completed, abandoned, completion rate by topic); ' +
        '`format=csv` answers with the usage as a CSV file (a header row, one row per group)',
      tag: 'usage',
      query: usageReportQuerySchema,
      response: { status: 200, schema: usageReportSchema, files: ['text/csv'] },
      grants: { tables: { usage: 'read', conversations: 'read' } },
    }),
    listTopTenants: defineRoute({
      method: 'GET',
      path: '/admin/usage/top-tenants',
      handler: 'functions/usage/handlers/list-top-tenants.ts',
      auth: 'platform-admin',
      summary: 'The tenants with the highest cost in a month',
      tag: 'usage',
      query: topTenantsQuerySchema,
      response: { status: 200, schema: topTenantsSchema },
      grants: { tables: { usage: 'read' } },
    }),
    getTenantLimits: defineRoute({
      method: 'GET',
      path: '/admin/tenants/{id}/limits',
      handler: 'functions/usage/handlers/get-tenant-limits.ts',
      auth: 'admin',
      tenantParam: 'id',
      summary: "A tenant's effective limits, its overrides and the defaults",
      tag: 'usage',
      params: tenantParamsSchema,
      response: { status: 200, schema: tenantLimitsResponseSchema },
      grants: { tables: { usage: 'read' } },
    }),
    putTenantLimits: defineRoute({
      method: 'PUT',
      path: '/admin/tenants/{id}/limits',
      handler: 'functions/usage/handlers/put-tenant-limits.ts',
      auth: 'platform-admin',
      summary:
        "Override some of a tenant's limits (monthly token and cost budgets, requests per user per minute), each on " +
        'its own; `null` clears one, the limits not named stay as they are',
      tag: 'usage',
      params: tenantParamsSchema,
      body: limitsBodySchema,
      response: { status: 200, schema: tenantLimitsResponseSchema },
      grants: { tables: { usage: 'readWrite' } },
    }),
    deleteTenantLimits: defineRoute({
      method: 'DELETE',
      path: '/admin/tenants/{id}/limits',
      handler: 'functions/usage/handlers/delete-tenant-limits.ts',
      auth: 'platform-admin',
      summary: "Remove a tenant's whole override: its limits are the defaults again",
      tag: 'usage',
      params: tenantParamsSchema,
      response: { status: 204, schema: z.undefined() },
      grants: { tables: { usage: 'readWrite' } },
    }),
  },
});
