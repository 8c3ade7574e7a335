import * as z from '../shared/zod';
import { metricDateSchema, metricNameSchema } from '../shared/metrics/model';

/** The most points one import may carry. */
export const MAX_IMPORT_POINTS = 5_000;
/** The longest range one history read may ask for, in days. */
export const MAX_HISTORY_RANGE_DAYS = 400;

/**
 * Body of `POST /admin/tenants/{id}/metrics/import`. Rows are checked one by one by the service, so a 422 can name
 * every bad row (a shape error of the body as a whole is a 400).
 */
export const importBodySchema = z.object({
  points: z
    .array(
      z.object({
        date: z.string(),
        metric: z.string(),
        value: z.unknown(),
        entityId: z.optional(z.unknown()),
      }),
    )
    .check(z.minLength(1), z.maxLength(MAX_IMPORT_POINTS)),
});
export type ImportBody = z.output<typeof importBodySchema>;

/** Response of the import: how many points and days were written. */
export const importResponseSchema = z.object({
  imported: z.number().check(z.int()),
  days: z.number().check(z.int()),
});

/** Query of `GET /metrics/history`: `from` defaults to 90 days before `to`, `to` to today. */
export const historyQuerySchema = z.strictObject({
  metric: metricNameSchema,
  entityId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  from: z.optional(metricDateSchema),
  to: z.optional(metricDateSchema),
});
export type HistoryQuery = z.output<typeof historyQuerySchema>;

const pointSchema = z.object({ date: z.string(), value: z.number() });

/** Response of `GET /metrics/history`: one series, for a chart. */
export const historyResponseSchema = z.object({
  metric: metricNameSchema,
  entityId: z.optional(z.string()),
  from: z.string(),
  to: z.string(),
  points: z.array(pointSchema),
});

const changeSchema = z.object({
  days: z.number(),
  from: z.number(),
  to: z.number(),
  change: z.number(),
  fromDate: z.string(),
  toDate: z.string(),
});
const contributionSchema = z.object({ component: z.string(), change: z.number(), from: z.number(), to: z.number() });
const goalSchema = { id: z.string(), title: z.string(), targetDate: z.optional(z.string()) };

/** Response of `GET /metrics/trends`: the current trend signals of the tenant's history, with their numbers. */
export const trendsResponseSchema = z.object({
  asOf: z.string(),
  historyDays: z.number().check(z.int()),
  changes: z.array(
    z.object({ metric: metricNameSchema, vs7Days: z.optional(changeSchema), vs30Days: z.optional(changeSchema) }),
  ),
  overall: z.optional(
    z.object({ change: changeSchema, drivers: z.array(contributionSchema), detractors: z.array(contributionSchema) }),
  ),
  newTrends: z.array(
    z.object({
      metric: metricNameSchema,
      direction: z.enum(['up', 'down']),
      previous: z.enum(['up', 'down']),
      perWeek: z.number(),
      previousPerWeek: z.number(),
      since: z.string(),
    }),
  ),
  unusual: z.array(
    z.object({
      metric: metricNameSchema,
      date: z.string(),
      from: z.number(),
      to: z.number(),
      change: z.number(),
      z: z.nullable(z.number()),
      typicalChange: z.number(),
    }),
  ),
  stalledGoals: z.array(z.object({ ...goalSchema, progress: z.number(), days: z.number(), since: z.string() })),
  goalPace: z.array(
    z.object({
      ...goalSchema,
      progress: z.number(),
      perWeek: z.number(),
      projected: z.number(),
      targetDate: z.string(),
      onPace: z.boolean(),
    }),
  ),
});
