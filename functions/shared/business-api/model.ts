import * as z from '../zod';

/**
 * Tolerant schemas of the .NET Account and Traction API responses. Unknown fields are ignored; enum values are
 * matched case- and separator-insensitively (.NET sends "OnTrack", "on_track" or "on-track"); everything but
 * identity fields is optional, so a wrong-typed field is dropped (see parse.ts) rather than failing the source.
 */

const normalizeEnum = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/[\s_-]/g, '').toLowerCase() : value;

/** An enum that accepts any casing/separators and yields the canonical snake_case value. */
const looseEnum = <const T extends readonly [string, ...string[]]>(values: T) => {
  const byKey = new Map(values.map((value) => [value.replace(/_/g, ''), value]));
  return z.pipe(
    z.transform((value) => byKey.get(normalizeEnum(value) as string) ?? value),
    z.enum(values),
  );
};

const id = z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String));
const text = z.string().check(z.trim(), z.minLength(1));
const isoDate = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()]);
const percent = z.number().check(z.minimum(0), z.maximum(100));

export const sourceNames = ['foundation', 'goals', 'goalStats', 'performance', 'actions', 'issues'] as const;
/** The six business data sources the insights read. */
export type SourceName = (typeof sourceNames)[number];

export const coreValueSchema = z.union([
  z.pipe(
    text,
    z.transform((name) => ({ name, description: undefined as string | undefined })),
  ),
  z.object({ name: text, description: z.optional(text) }),
]);

export const foundationSchema = z.object({
  businessName: z.optional(text),
  industry: z.optional(text),
  vision: z.optional(text),
  purpose: z.optional(text),
  mission: z.optional(text),
  niche: z.optional(text),
  coreValues: z.optional(z.array(coreValueSchema)),
  yearFounded: z.optional(z.number().check(z.int())),
  employeeCount: z.optional(z.number().check(z.int(), z.nonnegative())),
});

export const goalStatusSchema = looseEnum(['not_started', 'on_track', 'at_risk', 'behind', 'completed']);

export const goalSchema = z.object({
  id,
  title: text,
  description: z.optional(text),
  status: z.optional(goalStatusSchema),
  progress: z.optional(percent),
  targetDate: z.optional(isoDate),
  owner: z.optional(text),
  category: z.optional(text),
});

export const goalStatsSchema = z.object({
  totalGoals: z.optional(z.number().check(z.int(), z.nonnegative())),
  completed: z.optional(z.number().check(z.int(), z.nonnegative())),
  onTrack: z.optional(z.number().check(z.int(), z.nonnegative())),
  atRisk: z.optional(z.number().check(z.int(), z.nonnegative())),
  behind: z.optional(z.number().check(z.int(), z.nonnegative())),
  notStarted: z.optional(z.number().check(z.int(), z.nonnegative())),
  completionRate: z.optional(percent),
  averageProgress: z.optional(percent),
});

export const scoreComponentSchema = z.object({
  name: text,
  score: z.number().check(z.minimum(0), z.maximum(100)),
  target: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
  weight: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

export const performanceSchema = z.object({
  overallScore: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
  components: z.optional(z.array(scoreComponentSchema)),
  trend: z.optional(looseEnum(['up', 'down', 'flat'])),
  periodStart: z.optional(isoDate),
  periodEnd: z.optional(isoDate),
});

export const actionStatusSchema = looseEnum(['open', 'in_progress', 'blocked', 'done', 'cancelled']);

export const actionSchema = z.object({
  id,
  title: text,
  status: z.optional(actionStatusSchema),
  dueDate: z.optional(isoDate),
  assignee: z.optional(text),
  goalId: z.optional(id),
  createdAt: z.optional(isoDate),
  updatedAt: z.optional(isoDate),
});

export const prioritySchema = looseEnum(['low', 'medium', 'high', 'critical']);

export const issueSchema = z.object({
  id,
  title: text,
  description: z.optional(text),
  priority: z.optional(prioritySchema),
  status: z.optional(looseEnum(['open', 'in_progress', 'resolved', 'closed'])),
  owner: z.optional(text),
  goalId: z.optional(id),
  createdAt: z.optional(isoDate),
  updatedAt: z.optional(isoDate),
});

/** The schema of each source's payload (after the optional `{ data }` envelope is removed). */
export const sourceSchemas = {
  foundation: foundationSchema,
  goals: z.array(goalSchema),
  goalStats: goalStatsSchema,
  performance: performanceSchema,
  actions: z.array(actionSchema),
  issues: z.array(issueSchema),
} as const;

export type Foundation = z.infer<typeof foundationSchema>;
export type Goal = z.infer<typeof goalSchema>;
export type GoalStats = z.infer<typeof goalStatsSchema>;
export type Performance = z.infer<typeof performanceSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Issue = z.infer<typeof issueSchema>;

/** Why a source is missing from a snapshot: `not_found` (404) means the service has no records for the tenant. */
export const dataGapReasonSchema = z.enum(['timeout', 'not_found', 'http_error', 'network_error', 'invalid_response']);

/** A source that could not be read; the insights name it so the user knows what was missing. */
export const dataGapSchema = z.object({
  source: z.enum(sourceNames),
  reason: dataGapReasonSchema,
  status: z.optional(z.number().check(z.int())),
});
export type DataGap = z.infer<typeof dataGapSchema>;

/** Why a source's last read failed: its gap, without the source. */
export const sourceErrorSchema = z.omit(dataGapSchema, { source: true });

/** One tenant's business data as read at `fetchedAt`; a source that failed is absent and listed in `gaps`. */
export interface BusinessSnapshot {
  readonly tenantId: string;
  readonly fetchedAt: string;
  readonly foundation?: Foundation;
  readonly goals?: readonly Goal[];
  readonly goalStats?: GoalStats;
  readonly performance?: Performance;
  readonly actions?: readonly Action[];
  readonly issues?: readonly Issue[];
  readonly gaps: readonly DataGap[];
  /** How many values were dropped for having the wrong type, per source. */
  readonly dropped: Readonly<Partial<Record<SourceName, number>>>;
}
