import { batchEnv } from './config';
import * as z from '../shared/zod';
import { defineCapability, defineRoute } from '../shared/http/route';
import { batchTable } from './tables';
import {
  registryEntrySchema,
  registryPageSchema,
  registryParamsSchema,
  registryQuerySchema,
  runParamsSchema,
  runSummarySchema,
} from './model';

const writesRegistry = { tables: { batch: 'readWrite' } } as const;

/** The batch capability's rows of the route table: the nightly run's tenant registry and run summaries. */
export const batch = defineCapability({
  env: batchEnv,
  tables: { batch: batchTable },
  routes: {
    listRegisteredTenants: defineRoute({
      method: 'GET',
      path: '/admin/batch/tenants',
      handler: 'functions/batch/handlers/list-registered-tenants.ts',
      auth: 'platform-admin',
      summary: 'The tenants the nightly run covers (seen by the API lately, or added by an admin)',
      tag: 'batch',
      query: registryQuerySchema,
      response: { status: 200, schema: registryPageSchema },
      grants: { tables: { batch: 'read' }, cursors: true },
    }),
    registerTenant: defineRoute({
      method: 'PUT',
      path: '/admin/batch/tenants/{id}',
      handler: 'functions/batch/handlers/register-tenant.ts',
      auth: 'platform-admin',
      summary: 'Add a tenant to the nightly run (kept until removed)',
      tag: 'batch',
      params: registryParamsSchema,
      response: { status: 200, schema: registryEntrySchema },
      grants: writesRegistry,
    }),
    unregisterTenant: defineRoute({
      method: 'DELETE',
      path: '/admin/batch/tenants/{id}',
      handler: 'functions/batch/handlers/unregister-tenant.ts',
      auth: 'platform-admin',
      summary: 'Remove a tenant from the nightly run',
      tag: 'batch',
      params: registryParamsSchema,
      response: { status: 204, schema: z.undefined() },
      errors: ['not_found'],
      grants: writesRegistry,
    }),
    getRunSummary: defineRoute({
      method: 'GET',
      path: '/admin/batch/runs/{runId}',
      handler: 'functions/batch/handlers/get-run-summary.ts',
      auth: 'platform-admin',
      summary: "A nightly run's counters: tenants by outcome, tokens and cost",
      tag: 'batch',
      params: runParamsSchema,
      response: { status: 200, schema: runSummarySchema },
      errors: ['not_found'],
      grants: { tables: { batch: 'read' } },
    }),
  },
});
