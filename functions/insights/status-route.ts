import type { RouteDefinition } from '../shared/http/route';
import { httpRoute, type HttpLambdaHandler } from '../shared/http/handler';
import type { insightIdParamsSchema, InsightStatus } from './model';
import { insightsService } from './wiring';
import type * as z from '../shared/zod';

/** The handler of a route that moves one insight to `status` (dismiss, acknowledge). */
export const statusChangeHandler = (
  route: RouteDefinition<z.core.$ZodType, typeof insightIdParamsSchema, z.core.$ZodType>,
  status: Exclude<InsightStatus, 'active'>,
): HttpLambdaHandler => {
  const service = insightsService();
  return httpRoute(route, async ({ params, ctx }) => ({
    body: { insight: await service.setStatus(ctx, params.id, status) },
  }));
};
