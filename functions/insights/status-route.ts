import type { RouteDefinition } from '../shared/http/route';
import { jsonRoute, type HttpLambdaHandler } from '../shared/http/pipeline';
import type { insightIdParamsSchema, InsightStatus } from './model';
import { insightsService } from './wiring';
import type * as z from '../shared/zod';

/** The handler of a route that moves one insight to `status` (dismiss, acknowledge). */
export const statusChangeHandler = (
  route: RouteDefinition<z.core.$ZodType, typeof insightIdParamsSchema, z.core.$ZodType>,
  status: Exclude<InsightStatus, 'active'>,
): HttpLambdaHandler => {
  const service = insightsService();
  return jsonRoute(route, async ({ params, invocation }) => ({
    body: { insight: await service.setStatus(invocation, params.id, status) },
  }));
};
