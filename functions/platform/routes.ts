import * as z from '../shared/zod';
import { defineCapability, defineRoute } from '../shared/http/route';
import { healthSchema } from './model';

/** The platform capability's rows of the route table: health and the API document. */
export const platform = defineCapability({
  routes: {
    health: defineRoute({
      method: 'GET',
      path: '/health',
      handler: 'functions/platform/handlers/get-health.ts',
      auth: 'none',
      summary: 'Service version and which adapters are configured',
      tag: 'platform',
      response: { status: 200, schema: healthSchema },
      grants: {},
    }),
    openApi: defineRoute({
      method: 'GET',
      path: '/openapi.json',
      handler: 'functions/platform/handlers/get-openapi.ts',
      auth: 'none',
      summary: 'This API as an OpenAPI 3.1 document',
      tag: 'platform',
      response: { status: 200, schema: z.record(z.string(), z.unknown()) },
      grants: {},
    }),
  },
});
