import type { RouteDefinition } from '../shared/http/route';
import { jsonRoute, type HttpLambdaHandler } from '../shared/http/pipeline';
import type * as z from '../shared/zod';
import type { activityBodySchema, nudgeParamsSchema } from './model';
import { nudgeService } from './wiring';

type Row<P extends z.core.$ZodType, B extends z.core.$ZodType> = RouteDefinition<z.core.$ZodType, P, B>;

/** POST /coach/activity and its alias: record the activity, answer 201 with the nudges to show now. */
export const recordActivityHandler = (route: Row<z.core.$ZodType, typeof activityBodySchema>): HttpLambdaHandler =>
  jsonRoute(route, async ({ body, invocation }) => ({
    statusCode: 201,
    body: await nudgeService().ingest(invocation, body),
  }));

/** GET /coach/nudges and its alias. */
export const listNudgesHandler = (route: Row<z.core.$ZodType, z.core.$ZodType>): HttpLambdaHandler =>
  jsonRoute(route, async ({ invocation }) => ({ body: { nudges: await nudgeService().list(invocation) } }));

/** POST /coach/nudges/{id}/dismiss and its alias. */
export const dismissNudgeHandler = (route: Row<typeof nudgeParamsSchema, z.core.$ZodType>): HttpLambdaHandler =>
  jsonRoute(route, async ({ params, invocation }) => ({
    body: { nudge: await nudgeService().dismiss(invocation, params.id) },
  }));
